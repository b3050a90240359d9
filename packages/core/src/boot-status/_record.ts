import type { BootObservation, BootStatusSettings } from './boot-states.js'
import { DocPool, DOC_META, DOC_NETWORK, DOC_OTHER_GROUP, DOC_PHONE_HOME, DOC_USER, DOC_VENDOR, GROUP_BASE } from './_doc-pool.js'
import { Deadlines } from './_deadlines.js'
import { GroupIdInterner, NodeTable } from './_node-table.js'
import { createUnknownAddresses, type UnknownAddresses } from './unknown-addresses.js'
import { applyGroups, applyRoster } from './_roster-pass.js'
import { BOOTING, CONFIGURED, FAILING, IDLE, PHONED_HOME, STATE_COUNT, STUCK } from './_state-index.js'
import { xnameOrder } from './xname-order.js'

/** Group documents outside a node's memberships kept per node, by name. */
const MAX_OTHER_ENTRIES = 4

/** meta-data, user-data and vendor-data answered 200: the fixed part of `configured`. */
const REQUIRED_FIXED = (1 << DOC_META) | (1 << DOC_USER) | (1 << DOC_VENDOR)

/** One inventory node as the roster gives it. */
export interface RosterNode {
  readonly xname: string
  /** Group labels in SMD order; `undefined` when unreadable (then none). */
  readonly groups: readonly string[] | undefined
}

/**
 * The mutable state of a boot record and its transitions (BOOT). Not exported from the package: the public face is
 * `createBootRecorder`; the views read these fields directly.
 */
export class BootRecord {
  readonly nodes = new NodeTable()
  readonly docs = new DocPool()
  readonly unknown: UnknownAddresses
  /** Counts per state, kept current on every transition. */
  readonly counts = new Int32Array(STATE_COUNT)
  /** Counts per (group id, state), at `gid * STATE_COUNT + state`. */
  groupCounts = new Int32Array(0)
  readonly groupIds = new Map<string, number>()
  readonly groupNames: string[] = []
  /** Group names a query may name: inventory labels and stored Groups. */
  knownGroups: ReadonlySet<string> = new Set()
  /** Bumped on every change a live view must send. */
  seq = 0
  /** The `seq` of the latest change of the node list or memberships: views older than it need everything again. */
  layoutSeq = 0
  readonly #slots = new Map<string, number>()
  readonly #addressSlots = new Map<string, number>()
  readonly #deadlines = new Deadlines()
  /** Group-id lists shared by nodes (used by the roster pass). */
  readonly interner = new GroupIdInterner()
  #order: number[] | undefined
  /** Roster passes so far (a node's `mark` is the last one that listed it). */
  rosterPass = 0

  constructor(readonly settings: BootStatusSettings) {
    this.unknown = createUnknownAddresses(settings.maxUnknownAddresses)
  }

  /** The slot of `xname`, or undefined. */
  slotOf(xname: string): number | undefined {
    return this.#slots.get(xname)
  }

  /** Live slots in hardware (xname) order; cached until the node list changes. */
  order(): readonly number[] {
    if (this.#order === undefined) {
      const live: number[] = []
      for (let slot = 0; slot < this.nodes.end; slot++) if (this.nodes.xname[slot] !== undefined) live.push(slot)
      this.#order = xnameOrder(this.nodes.xname as string[], live)
    }
    return this.#order
  }

  /** The hot path (see BootStatusSink.record). */
  record(o: BootObservation): void {
    let slot: number | undefined
    if (o.node !== undefined) {
      slot = this.#slots.get(o.node) ?? this.addNode(o.node)
      this.#noteAddress(slot, o.client)
    } else if (o.document === 'user-data' || o.document === 'phone-home') {
      // Neither names a node (AT-6, WG-10): they count for the node whose documents last came from that address.
      slot = this.#addressSlots.get(o.client)
      if (slot === undefined) return
    } else {
      if (o.status === 404) this.unknown.seen(o.client, o.document, o.group, o.at)
      return
    }
    const n = this.nodes
    const doc = this.#docId(slot, o)
    const at = o.at
    if (n.bootStart[slot] === 0 || ((doc === DOC_META || doc === DOC_NETWORK) && at - (n.lastSeen[slot] as number) >= this.settings.quietPeriodMs)) {
      this.#startBoot(slot, at)
    }
    const head = n.head[slot] as number
    // Group documents outside the node's known memberships keep their name (see DocPool.findOther).
    let entry = doc === DOC_OTHER_GROUP ? this.docs.findOther(head, o.group, MAX_OTHER_ENTRIES) : this.docs.find(head, doc)
    if (entry === -1) n.head[slot] = entry = this.docs.take(doc, head)
    const wasOk = this.docs.status[entry] === 200
    const ok = o.status === 200
    if (this.docs.first[entry] === 0) this.docs.first[entry] = at
    this.docs.last[entry] = at
    this.docs.status[entry] = o.status
    this.docs.address[entry] = n.address[slot]
    if (doc === DOC_OTHER_GROUP) this.docs.name[entry] = o.group
    if (wasOk !== ok) {
      if (doc < DOC_OTHER_GROUP) n.okFixed[slot] = ok ? (n.okFixed[slot] as number) | (1 << doc) : (n.okFixed[slot] as number) & ~(1 << doc)
      else if (doc >= GROUP_BASE && (n.listed[slot] as Int32Array).includes(doc - GROUP_BASE)) n.groupsOk[slot] = (n.groupsOk[slot] as number) + (ok ? 1 : -1)
    }
    if (doc === DOC_PHONE_HOME && ok) n.phonedHome[slot] = at
    n.lastSeen[slot] = at
    n.lastStatus[slot] = o.status
    n.lastEntry[slot] = entry
    this.#update(slot, at)
    // Due deadlines are popped here too, so the queue stays bounded even when nobody reads the record.
    this.tick(at)
  }

  /** Moves nodes that have been booting for `stuck_after` to `stuck` (amortised O(1): one deadline per boot). */
  tick(now: number): void {
    const limit = now - this.settings.stuckAfterMs
    for (let next = this.#deadlines.peek(); next !== undefined && next.at <= limit; next = this.#deadlines.peek()) {
      this.#deadlines.pop()
      if (this.nodes.bootStart[next.slot] === next.at && this.nodes.xname[next.slot] !== undefined) this.#update(next.slot, now)
    }
  }

  /** See {@link applyRoster}. */
  setRoster(roster: Iterable<RosterNode>, listed: (label: string) => boolean, groups: Iterable<string>, now: number): void {
    applyRoster(this, roster, listed, groups, now)
  }

  /** See {@link applyGroups}. */
  setGroups(listed: (label: string) => boolean, groups: Iterable<string>, now: number): void {
    applyGroups(this, listed, groups, now)
  }

  /** The group id of a known group name, or undefined. */
  groupIdOf(name: string): number | undefined {
    return this.groupIds.get(name)
  }

  // --- transitions ---

  #startBoot(slot: number, at: number): void {
    const n = this.nodes
    this.docs.release(n.head[slot] as number)
    n.head[slot] = -1
    n.bootStart[slot] = at
    n.phonedHome[slot] = 0
    n.okFixed[slot] = 0
    n.groupsOk[slot] = 0
    this.#deadlines.push(slot, at)
  }

  /** The state the record says the node is in at `now` (see BOOT_STATES for the rule). */
  derive(slot: number, now: number): number {
    const n = this.nodes
    const start = n.bootStart[slot] as number
    if (start === 0) return IDLE
    if ((n.lastStatus[slot] as number) >= 400) return FAILING
    if ((n.phonedHome[slot] as number) > 0) return PHONED_HOME
    if (((n.okFixed[slot] as number) & REQUIRED_FIXED) === REQUIRED_FIXED && (n.groupsOk[slot] as number) >= (n.listed[slot] as Int32Array).length) {
      return CONFIGURED
    }
    return now - start >= this.settings.stuckAfterMs ? STUCK : BOOTING
  }

  #update(slot: number, now: number): void {
    const n = this.nodes
    const before = n.state[slot] as number
    const after = this.derive(slot, now)
    if (after === before) return
    n.state[slot] = after
    n.stateSince[slot] = now
    n.changed[slot] = ++this.seq
    this.counts[before] = (this.counts[before] as number) - 1
    this.counts[after] = (this.counts[after] as number) + 1
    for (const gid of n.members[slot] as Int32Array) {
      this.groupCounts[gid * STATE_COUNT + before] = (this.groupCounts[gid * STATE_COUNT + before] as number) - 1
      this.groupCounts[gid * STATE_COUNT + after] = (this.groupCounts[gid * STATE_COUNT + after] as number) + 1
    }
  }

  // --- bookkeeping ---

  #docId(slot: number, o: BootObservation): number {
    switch (o.document) {
      case 'meta-data':
        return DOC_META
      case 'user-data':
        return DOC_USER
      case 'vendor-data':
        return DOC_VENDOR
      case 'network-config':
        return DOC_NETWORK
      case 'phone-home':
        return DOC_PHONE_HOME
      case 'group': {
        // Only known groups get an entry of their own, so a node asking for arbitrary names cannot grow the record:
        // its memberships, or any known group for a node no roster pass has listed yet (a live SMD lookup), whose
        // memberships the next pass brings.
        const gid = o.group === undefined ? undefined : this.groupIds.get(o.group)
        if (gid === undefined) return DOC_OTHER_GROUP
        return this.nodes.mark[slot] === 0 || (this.nodes.members[slot] as Int32Array).includes(gid) ? GROUP_BASE + gid : DOC_OTHER_GROUP
      }
    }
  }

  /** The id of a group name, made when new (roster pass only: request names never grow the table). */
  groupId(name: string): number {
    let gid = this.groupIds.get(name)
    if (gid === undefined) {
      gid = this.groupNames.length
      this.groupIds.set(name, gid)
      this.groupNames.push(name)
    }
    return gid
  }

  /** A new idle node. */
  addNode(xname: string): number {
    const slot = this.nodes.add(xname)
    this.#slots.set(xname, slot)
    this.counts[IDLE] = (this.counts[IDLE] as number) + 1
    this.layoutChanged()
    return slot
  }

  /** Drops a node and its record. */
  removeNode(slot: number): void {
    const n = this.nodes
    const address = n.address[slot]
    if (address !== undefined && this.#addressSlots.get(address) === slot) this.#addressSlots.delete(address)
    this.#slots.delete(n.xname[slot] as string)
    this.docs.release(n.head[slot] as number)
    n.bootStart[slot] = 0
    n.remove(slot)
  }

  #noteAddress(slot: number, client: string): void {
    const previous = this.nodes.address[slot]
    if (previous === client) return
    if (previous !== undefined && this.#addressSlots.get(previous) === slot) this.#addressSlots.delete(previous)
    this.#addressSlots.set(client, slot)
    this.nodes.address[slot] = client
  }

  /** Live views need everything again: the node list or memberships changed. */
  layoutChanged(): void {
    this.#order = undefined
    this.layoutSeq = ++this.seq
  }
}
