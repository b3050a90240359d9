import type { BootNodeView } from '@metadata-service/core'
import { ApiError, requestJson } from './api.js'
import { el, fill, table, when } from './dom.js'

/** One document of a `POST /render` answer. */
interface PreviewDocument {
  readonly path: string
  readonly status: number
  readonly contentType: string
  readonly body: string
}

/**
 * Shows the boot record of `xname` in the side panel: its state and times, its documents of this boot, what it
 * still misses, and a render preview of any of its documents (an admin request: `POST /render`; other viewers are
 * told so).
 */
export async function showNode(xname: string): Promise<void> {
  fill('detail', el('p', { class: 'quiet' }, `Loading ${xname}…`))
  let node: BootNodeView
  try {
    node = (await requestJson(`/boot-status/nodes/${encodeURIComponent(xname)}`)) as BootNodeView
  } catch (err) {
    fill('detail', el('p', { class: 'error' }, `${xname}: ${(err as Error).message}`))
    return
  }
  const preview = (document: string) => {
    const button = el('button', { type: 'button', class: 'link', title: `What ${node.xname} gets for /${document}` }, document)
    button.addEventListener('click', () => void showPreview(node.xname, document))
    return button
  }
    // Only the node's own documents can be previewed (`/phone-home` is no document; other groups answer 404).
  const previewable = (document: string) =>
    document === 'phone-home' || (document.endsWith('.yaml') && !node.groups.includes(document.slice(0, -5))) ? document : preview(document)
  fill(
    'detail',
    el('h2', {}, node.xname, ' ', el('span', { class: 'state', 'data-state': node.state }, node.state)),
    el(
      'dl',
      {},
      ...row('since', when(node.stateSince)),
      ...row('groups', node.groups.join(', ') || '(none)'),
      ...row('boot started', when(node.bootStartedAt)),
      ...row('last request', node.lastDocument === undefined ? undefined : `${node.lastDocument} → ${node.lastStatus ?? ''}`),
      ...row('last seen', when(node.lastSeenAt)),
      ...row('address', node.address),
      ...row('phoned home', when(node.phonedHomeAt)),
      ...row('WireGuard', node.wireguard?.tunnelAddress),
    ),
    el('h3', {}, 'Documents of this boot'),
    node.documents.length === 0
      ? el('p', { class: 'quiet' }, 'None yet.')
      : table(
          ['document', 'first', 'last', 'status', 'address'],
          node.documents.map((d) => [previewable(d.document), when(d.firstAt), when(d.lastAt), d.status, d.address]),
        ),
    node.missing.length === 0 ? undefined : el('p', {}, 'Missing for configured: ', ...node.missing.flatMap((d, i) => (i === 0 ? [preview(d)] : [', ', preview(d)]))),
    el('div', { id: 'preview' }),
  )
}

// --- internal ---

function row(label: string, value: Node | string | undefined): Node[] {
  return value === undefined ? [] : [el('dt', {}, label), el('dd', {}, value)]
}

async function showPreview(xname: string, document: string): Promise<void> {
  fill('preview', el('p', { class: 'quiet' }, `Rendering /${document} for ${xname}…`))
  try {
    const group = document.endsWith('.yaml') ? document.slice(0, -'.yaml'.length) : undefined
    const answer = (await requestJson('/render', { method: 'POST', body: { node: xname, ...(group === undefined ? {} : { group }) } })) as {
      documents: readonly PreviewDocument[]
    }
    const doc = answer.documents.find((d) => d.path === `/${document}`)
    if (doc === undefined) throw new Error(`no /${document} in the preview`)
    fill('preview', el('h3', {}, `/${document} → ${doc.status} ${doc.contentType}`), el('pre', {}, doc.body))
  } catch (err) {
    const admin = err instanceof ApiError && (err.status === 401 || err.status === 403)
    fill('preview', el('p', { class: 'error' }, admin ? 'The render preview is for admins: a peer in admin_cidrs, or a token with metadata:write.' : (err as Error).message))
  }
}
