import type { OutputFormat } from '../config/client.js'
import { formatData } from './format.js'

/** One document of a `POST /render` answer (adapter-http `RenderedPreviewDocument`). */
interface PreviewDocument {
  readonly path: string
  readonly status: number
  readonly contentType: string
  readonly body: string
  readonly diff?: string
  /** `/network-config` only: what it guesses and leaves out (issue 14). */
  readonly notes?: readonly string[]
}

/**
 * Renders a `POST /render` answer: `json` (2-space indent) and `yaml` as given; `table`, for people, as each
 * document under a `==> <path> (<status> <type>) <==` header, the way `tail` separates files, then the proposed
 * template's (or networks') diff, or a line saying it changes nothing. The notes of `/network-config` (issue 14)
 * follow its header as `# ` lines, so the section stays valid YAML.
 */
export function formatRenderPreview(answer: unknown, format: OutputFormat): string {
  return formatData(answer, format, () => previewTable(answer))
}

/**
 * The documents of a `POST /render` answer that did not answer 200 (the current ones, then the proposed one), as
 * `<path> answered <status>: <first line of the body>`; `render` exits 1 when there is any (issue 17).
 */
export function failedDocuments(answer: unknown): string[] {
  const { documents = [], proposed } = answer as { documents?: PreviewDocument[]; proposed?: PreviewDocument }
  return [...documents, ...(proposed === undefined ? [] : [{ ...proposed, path: `${proposed.path} (proposed)` }])]
    .filter((doc) => doc.status !== 200)
    .map((doc) => `${doc.path} answered ${doc.status}: ${doc.body.trim().split('\n')[0] ?? ''}`.trimEnd())
}

// --- internal ---

function previewTable(answer: unknown): string {
  const { node, documents = [], proposed } = answer as { node?: string; documents?: PreviewDocument[]; proposed?: PreviewDocument }
  if (proposed !== undefined) {
    const current = documents[0]
    if (current !== undefined && current.status !== 200) return section(current)
    if (proposed.status !== 200) return section(proposed, 'proposed ')
    const what = proposed.path === '/network-config' ? 'networks give' : 'template gives'
    if (proposed.diff === '') return `${proposed.path}: the proposed ${what} ${node ?? 'the node'} the same document\n${comments(proposed)}`
    return proposed.diff === undefined ? section(proposed, 'proposed ') : `${proposed.diff}${comments(proposed)}`
  }
  return documents.map((doc) => section(doc)).join('\n')
}

function section(doc: PreviewDocument, label = ''): string {
  const body = doc.body.endsWith('\n') || doc.body === '' ? doc.body : `${doc.body}\n`
  return `==> ${label}${doc.path} (${doc.status} ${doc.contentType}) <==\n${comments(doc)}${body}`
}

function comments(doc: PreviewDocument): string {
  return (doc.notes ?? []).map((note) => `# ${note}\n`).join('')
}
