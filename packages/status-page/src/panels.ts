import { el, fill, table, when } from './dom.js'
import type { BootEvent, Counts, UnknownList } from './events.js'
import { STATE_COLORS, STATES } from './states.js'

// The page's panels around the grid: summary bar, attention list, unknown addresses, the replica line.

/** The summary bar: a chip per state and a progress bar of configured + phoned-home nodes. */
export function showSummary(counts: Counts, scope: string): void {
  const done = (counts.configured ?? 0) + (counts['phoned-home'] ?? 0)
  const percent = counts.nodes === 0 ? 0 : Math.floor((100 * done) / counts.nodes)
  // Styles through the CSSOM: the page's CSP allows no inline style attributes.
  const swatch = (i: number) => {
    const i_ = el('i')
    i_.style.background = STATE_COLORS[i] as string
    return i_
  }
  const bar = el('span')
  bar.style.width = `${percent}%`
  fill(
    'summary',
    el('span', { class: 'scope' }, `${scope}: ${counts.nodes} nodes`),
    ...STATES.map((state, i) => el('span', { class: 'chip', 'data-state': state }, swatch(i), `${state} `, el('b', { 'data-count': state }, counts[state] ?? 0))),
    el('span', { class: 'progress', title: `${done} of ${counts.nodes} configured or phoned home` }, bar),
    el('span', { class: 'percent' }, `${percent}%`),
  )
}

/** The newest stuck and failing nodes; clicking one opens it. */
export function showAttention(event: BootEvent, open: (xname: string) => void): void {
  if (event.attention.length === 0) {
    fill('attention', el('h2', {}, 'Needs attention'), el('p', { class: 'quiet' }, 'No stuck or failing nodes.'))
    return
  }
  const link = (xname: string) => {
    const a = el('a', { href: `#${xname}` }, xname)
    a.addEventListener('click', (e) => {
      e.preventDefault()
      open(xname)
    })
    return a
  }
  fill('attention', el('h2', {}, 'Needs attention (newest first)'), table(['node', 'state', 'since'], event.attention.map((a) => [link(a.xname), a.state, when(a.since)])))
}

/** The unknown-address table: the classic "node missing from SMD". */
export function showUnknown(list: UnknownList): void {
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`
  const caption =
    `${plural(list.addresses, 'address', 'addresses')}, ${plural(list.requests, 'request')}` +
    (list.dropped > 0 ? `, ${plural(list.dropped, 'request')} dropped (list full at ${list.capacity})` : '')
  fill(
    'unknown',
    el('h2', {}, 'Unknown addresses'),
    el('p', { class: 'quiet', id: 'unknown-caption' }, caption),
    list.entries.length === 0
      ? undefined
      : table(
          ['address', 'requests', 'first', 'last', 'last path'],
          list.entries.map((e) => [el('code', { class: 'unknown-address' }, e.address), e.requests, when(e.firstSeenAt), when(e.lastSeenAt), e.lastPath]),
        ),
  )
}

/** Which process's record the page shows (with several replicas, each knows only the requests it answered). */
export function showReplica(event: BootEvent): void {
  fill('replica', `record of ${event.replica.hostname || 'this server'} (pid ${event.replica.pid}) since `, when(event.replica.startedAt))
}

/** The group filter: every known group, keeping the selection. */
export function showGroups(select: HTMLSelectElement, groups: Readonly<Record<string, Counts>>): void {
  const selected = select.value
  const names = Object.keys(groups)
  if (select.options.length === names.length + 1 && names.every((name, i) => select.options[i + 1]?.value === name)) return
  select.replaceChildren(el('option', { value: '' }, 'all nodes'), ...names.map((name) => el('option', { value: name }, `${name} (${groups[name]?.nodes ?? 0})`)))
  select.value = names.includes(selected) ? selected : ''
}
