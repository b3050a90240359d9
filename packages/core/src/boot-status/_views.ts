import { BOOT_STATES, type BootState } from './boot-states.js'
import type { BootQuery } from './boot-query.js'
import { DEFAULT_BOOT_QUERY_LIMIT } from './boot-query.js'
import type { BootAttentionView, BootCounts, BootDocumentView, BootNodeView, UnknownAddressesView } from './boot-views.js'
import { DOC_OTHER_GROUP, FIXED_DOC_NAMES, GROUP_BASE } from './_doc-pool.js'
import type { BootRecord } from './_record.js'
import { FAILING, STATE_COUNT, STUCK } from './_state-index.js'

// Read-side views of a BootRecord: built on request (never on the hot path), O(nodes) at most.

const ATTENTION_LIMIT = 10
const REQUIRED_FIXED = ['meta-data', 'user-data', 'vendor-data'] as const

/** RFC 3339 of Unix ms. */
export function iso(ms: number): string {
  return new Date(ms).toISOString()
}

/** Counts from a row of `STATE_COUNT` numbers starting at `offset`. */
export function countsOf(values: Int32Array, offset = 0): BootCounts {
  const counts: Record<string, number> = { nodes: 0 }
  for (let s = 0; s < STATE_COUNT; s++) {
    const value = values[offset + s] as number
    counts[BOOT_STATES[s] as BootState] = value
    counts.nodes = (counts.nodes as number) + value
  }
  return counts as BootCounts
}

/** Counts per known group, by name, sorted. */
export function groupCountsOf(record: BootRecord): Record<string, BootCounts> {
  const groups: Record<string, BootCounts> = {}
  for (const name of [...record.knownGroups].sort()) {
    const gid = record.groupIdOf(name)
    if (gid === undefined) continue
    // defineProperty: group names come from SMD and users (`__proto__` must stay a key).
    Object.defineProperty(groups, name, { value: countsOf(record.groupCounts, gid * STATE_COUNT), enumerable: true, writable: true, configurable: true })
  }
  return groups
}

/** Slots matching `query` (states, group id, since/until on the time the state was entered), in xname order. */
export function matching(record: BootRecord, query: BootQuery, gid: number | undefined): number[] {
  const n = record.nodes
  const states = query.states === undefined ? undefined : new Set(query.states.map((s) => BOOT_STATES.indexOf(s)))
  return record.order().filter((slot) => {
    if (states !== undefined && !states.has(n.state[slot] as number)) return false
    if (gid !== undefined && !(n.members[slot] as Int32Array).includes(gid)) return false
    const since = n.stateSince[slot] as number
    if (query.since !== undefined && since < query.since) return false
    if (query.until !== undefined && since > query.until) return false
    return true
  })
}

/** The limit a query asks for. */
export function limitOf(query: BootQuery): number {
  return query.limit ?? DEFAULT_BOOT_QUERY_LIMIT
}

/** A node's boot record as JSON; `tunnelAddress` from WireGuard when it has a peer. */
export function nodeView(record: BootRecord, slot: number, tunnelAddress: string | undefined): BootNodeView {
  const n = record.nodes
  const pool = record.docs
  const documents: Array<BootDocumentView & { readonly order: number }> = []
  const fetched = new Set<string>()
  for (let e = n.head[slot] as number; e !== -1; e = pool.next[e] as number) {
    const document = docName(record, pool.doc[e] as number, pool.name[e])
    const status = pool.status[e] as number
    if (status === 200) fetched.add(document)
    documents.push({
      document,
      firstAt: iso(pool.first[e] as number),
      lastAt: iso(pool.last[e] as number),
      status,
      address: pool.address[e] ?? '',
      // Fixed documents, then group documents, then the one of a group that is not the node's.
      order: pool.doc[e] === DOC_OTHER_GROUP ? Number.MAX_SAFE_INTEGER : (pool.doc[e] as number),
    })
  }
  documents.sort((a, b) => a.order - b.order)
  const listed = [...(n.listed[slot] as Int32Array)].map((gid) => `${record.groupNames[gid] as string}.yaml`)
  const times = (name: string, ms: number) => (ms === 0 ? {} : { [name]: iso(ms) })
  const lastEntry = n.lastEntry[slot] as number
  const address = n.address[slot]
  return {
    xname: n.xname[slot] as string,
    state: BOOT_STATES[n.state[slot] as number] as BootState,
    ...times('stateSince', n.stateSince[slot] as number),
    groups: [...(n.members[slot] as Int32Array)].map((gid) => record.groupNames[gid] as string),
    ...times('bootStartedAt', n.bootStart[slot] as number),
    ...times('lastSeenAt', n.lastSeen[slot] as number),
    ...(lastEntry === -1 ? {} : { lastDocument: docName(record, pool.doc[lastEntry] as number, pool.name[lastEntry]), lastStatus: n.lastStatus[slot] as number }),
    ...(address === undefined ? {} : { address }),
    ...times('phonedHomeAt', n.phonedHome[slot] as number),
    documents: documents.map(({ order: _order, ...doc }) => doc),
    missing: [...REQUIRED_FIXED, ...listed].filter((doc) => !fetched.has(doc)),
    ...(tunnelAddress === undefined ? {} : { wireguard: { tunnelAddress } }),
  }
}

/** The newest stuck and failing nodes among `slots`, newest first. */
export function attentionOf(record: BootRecord, slots: Iterable<number>): BootAttentionView[] {
  const n = record.nodes
  const top: number[] = []
  for (const slot of slots) {
    const state = n.state[slot] as number
    if (state !== STUCK && state !== FAILING) continue
    const since = n.stateSince[slot] as number
    if (top.length === ATTENTION_LIMIT && since <= (n.stateSince[top[ATTENTION_LIMIT - 1] as number] as number)) continue
    let i = top.length
    while (i > 0 && (n.stateSince[top[i - 1] as number] as number) < since) i--
    top.splice(i, 0, slot)
    if (top.length > ATTENTION_LIMIT) top.pop()
  }
  return top.map((slot) => ({
    xname: n.xname[slot] as string,
    state: BOOT_STATES[n.state[slot] as number] as BootState,
    since: iso(n.stateSince[slot] as number),
  }))
}

/** The unknown-address list, at most `limit` entries. */
export function unknownView(record: BootRecord, limit?: number): UnknownAddressesView {
  const unknown = record.unknown
  return {
    addresses: unknown.size,
    requests: unknown.requests,
    dropped: unknown.dropped,
    capacity: unknown.capacity,
    entries: unknown.list(limit).map((e) => ({ ...e, firstSeenAt: iso(e.firstSeenAt), lastSeenAt: iso(e.lastSeenAt) })),
  }
}

// --- internal ---

function docName(record: BootRecord, doc: number, other: string | undefined): string {
  if (doc < DOC_OTHER_GROUP) return FIXED_DOC_NAMES[doc] as string
  if (doc === DOC_OTHER_GROUP) return `${other ?? ''}.yaml`
  return `${record.groupNames[doc - GROUP_BASE] as string}.yaml`
}
