import { DOC_OTHER_GROUP, GROUP_BASE } from './_doc-pool.js'
import type { GroupIds } from './_node-table.js'
import type { BootRecord, RosterNode } from './_record.js'
import { STATE_COUNT } from './_state-index.js'

const NO_LABELS: readonly string[] = []

/**
 * A roster pass (BOOT): replaces the record's node list and memberships with the inventory's (nodes keep their
 * records; nodes gone from it are dropped), `listed(label)` telling which groups have a template (their documents
 * are in vendor-data, NC-13), and `groups` naming every stored Group. Then recomputes every state and count.
 * O(nodes), once per inventory or store generation, never per request.
 */
export function applyRoster(record: BootRecord, roster: Iterable<RosterNode>, listed: (label: string) => boolean, groups: Iterable<string>, now: number): void {
  const pass = ++record.rosterPass
  const n = record.nodes
  let layoutChanged = false
  record.interner.clear()
  const known = new Set<string>(groups)
  for (const name of known) record.groupId(name)
  // A node table hands out one array per distinct label list (issue 19): their group ids are worked out once.
  const byLabels = new Map<readonly string[], readonly [GroupIds, GroupIds]>()
  for (const node of roster) {
    let slot = record.slotOf(node.xname)
    if (slot === undefined) {
      slot = record.addNode(node.xname)
      layoutChanged = true
    }
    const labels = node.groups ?? NO_LABELS
    let lists = byLabels.get(labels)
    if (lists === undefined) {
      lists = membershipLists(record, labels.map((label) => record.groupId(label)), listed, known)
      byLabels.set(labels, lists)
    }
    const [members, listedIds] = lists
    const before = n.members[slot] as Int32Array
    if (before.length !== members.length || before.some((id, i) => members[i] !== id)) layoutChanged = true
    n.members[slot] = members
    n.listed[slot] = listedIds
    n.mark[slot] = pass
  }
  for (let slot = 0; slot < n.end; slot++) {
    if (n.xname[slot] === undefined || n.mark[slot] === pass) continue
    record.removeNode(slot)
    layoutChanged = true
  }
  record.knownGroups = known
  recount(record, now)
  if (layoutChanged) record.layoutChanged()
}

/**
 * A group pass (BOOT): what {@link applyRoster} would do with the node list and memberships of the last roster pass,
 * when only the stored Groups changed (`listed` and `groups` as there). Walks the record's own node slots, one
 * filter per distinct membership list, instead of the inventory's nodes: at 100,000 nodes the roster pass made
 * 100,000 node objects and held the event loop ~300 ms for a Group created or deleted (issue 19).
 */
export function applyGroups(record: BootRecord, listed: (label: string) => boolean, groups: Iterable<string>, now: number): void {
  const n = record.nodes
  const known = new Set<string>(groups)
  for (const name of known) record.groupId(name)
  // Memberships are interned: one filter per distinct list, then re-interned so that old lists do not pile up.
  const before = new Map<Int32Array, readonly [GroupIds, GroupIds]>()
  record.interner.clear()
  for (let slot = 0; slot < n.end; slot++) {
    if (n.xname[slot] === undefined) continue
    const members = n.members[slot] as Int32Array
    let lists = before.get(members)
    if (lists === undefined) {
      lists = membershipLists(record, [...members], listed, known)
      before.set(members, lists)
    }
    n.members[slot] = lists[0]
    n.listed[slot] = lists[1]
  }
  record.knownGroups = known
  recount(record, now)
}

// --- internal ---

/**
 * A node's interned memberships and, of those, the listed ones (both passes), from its group ids in SMD order; each
 * group's name joins `known`.
 */
function membershipLists(record: BootRecord, ids: readonly number[], listed: (label: string) => boolean, known: Set<string>): readonly [GroupIds, GroupIds] {
  const names = ids.map((gid) => record.groupNames[gid] as string)
  for (const name of names) known.add(name)
  return [record.interner.intern(ids), record.interner.intern(ids.filter((_, i) => listed(names[i] as string)))]
}

/** Every node's listed-group count, state and the counts, from scratch (after a roster pass). */
function recount(record: BootRecord, now: number): void {
  const docs = record.docs
  const n = record.nodes
  record.counts.fill(0)
  record.groupCounts = new Int32Array(record.groupNames.length * STATE_COUNT)
  for (let slot = 0; slot < n.end; slot++) {
    if (n.xname[slot] === undefined) continue
    let ok = 0
    const listed = n.listed[slot] as Int32Array
    const members = n.members[slot] as Int32Array
    const head = n.head[slot] as number
    for (let e = head; e !== -1; e = docs.next[e] as number) {
      if (docs.doc[e] === DOC_OTHER_GROUP) {
        // Asked for before its membership was known: a membership now, it counts as one.
        const gid = record.groupIds.get(docs.name[e] ?? '')
        if (gid !== undefined && members.includes(gid) && docs.find(head, GROUP_BASE + gid) === -1) {
          docs.doc[e] = GROUP_BASE + gid
          docs.name[e] = undefined
        }
      }
      const doc = docs.doc[e] as number
      if (doc >= GROUP_BASE && docs.status[e] === 200 && listed.includes(doc - GROUP_BASE)) ok += 1
    }
    n.groupsOk[slot] = ok
    const before = n.state[slot] as number
    const after = record.derive(slot, now)
    if (after !== before) {
      n.state[slot] = after
      n.stateSince[slot] = now
      n.changed[slot] = ++record.seq
    }
    record.counts[after] = (record.counts[after] as number) + 1
    for (const gid of n.members[slot] as Int32Array) {
      record.groupCounts[gid * STATE_COUNT + after] = (record.groupCounts[gid * STATE_COUNT + after] as number) + 1
    }
  }
}
