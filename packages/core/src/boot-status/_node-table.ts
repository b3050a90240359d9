import { grown, nextCapacity } from '../_internal/typed-array-growth.js'

/** Group ids of a node (interned: nodes with the same memberships share one array). */
export type GroupIds = Int32Array

const NO_GROUPS: GroupIds = new Int32Array(0)

/**
 * The boot record's nodes, one slot each, in columns (BOOT memory bound: about 100 bytes a node besides its
 * document entries). Slots of removed nodes are reused. Times are Unix milliseconds, 0 meaning "none".
 */
export class NodeTable {
  xname: (string | undefined)[] = []
  /** The node's latest client address. */
  address: (string | undefined)[] = []
  /** Its group labels (SMD memberships), as group ids. */
  members: GroupIds[] = []
  /** The memberships whose Group has a template: the group documents its vendor-data lists (NC-13). */
  listed: GroupIds[] = []
  bootStart = new Float64Array(0)
  lastSeen = new Float64Array(0)
  phonedHome = new Float64Array(0)
  stateSince = new Float64Array(0)
  /** The change sequence number of its latest state change (live views ask for changes since a number). */
  changed = new Float64Array(0)
  lastStatus = new Uint16Array(0)
  /** Document entry (DocPool) of its latest request, always one of the current boot; -1 before one. */
  lastEntry = new Int32Array(0)
  /** Index into BOOT_STATES. */
  state = new Uint8Array(0)
  /** Bit `d` set while fixed document `d`'s latest answer in this boot was 200. */
  okFixed = new Uint8Array(0)
  /** Listed group documents whose latest answer in this boot was 200. */
  groupsOk = new Uint16Array(0)
  /** First document entry of the current boot (DocPool), -1 for none. */
  head = new Int32Array(0)
  /** The roster pass that last saw the node. */
  mark = new Float64Array(0)
  readonly #free: number[] = []
  #used = 0
  #live = 0

  /** Slots in use. */
  get live(): number {
    return this.#live
  }

  /** One past the highest slot ever used: iterate `0 ≤ slot < end` and skip empty ones (`xname` undefined). */
  get end(): number {
    return this.#used
  }

  /** A fresh slot for `xname`, idle and in no group. */
  add(xname: string): number {
    const slot = this.#free.pop() ?? this.#used++
    if (slot >= this.bootStart.length) this.#grow(slot + 1)
    this.#live += 1
    this.xname[slot] = xname
    this.address[slot] = undefined
    this.members[slot] = NO_GROUPS
    this.listed[slot] = NO_GROUPS
    this.bootStart[slot] = 0
    this.lastSeen[slot] = 0
    this.phonedHome[slot] = 0
    this.stateSince[slot] = 0
    this.changed[slot] = 0
    this.lastStatus[slot] = 0
    this.lastEntry[slot] = -1
    this.state[slot] = 0
    this.okFixed[slot] = 0
    this.groupsOk[slot] = 0
    this.head[slot] = -1
    this.mark[slot] = 0
    return slot
  }

  /** Frees `slot` (its document entries must have been released). */
  remove(slot: number): void {
    this.xname[slot] = undefined
    this.address[slot] = undefined
    this.members[slot] = NO_GROUPS
    this.listed[slot] = NO_GROUPS
    this.#free.push(slot)
    this.#live -= 1
  }

  #grow(needed: number): void {
    const capacity = nextCapacity(this.bootStart.length, needed)
    this.bootStart = grown(this.bootStart, capacity)
    this.lastSeen = grown(this.lastSeen, capacity)
    this.phonedHome = grown(this.phonedHome, capacity)
    this.stateSince = grown(this.stateSince, capacity)
    this.changed = grown(this.changed, capacity)
    this.lastStatus = grown(this.lastStatus, capacity)
    this.lastEntry = grown(this.lastEntry, capacity)
    this.state = grown(this.state, capacity)
    this.okFixed = grown(this.okFixed, capacity)
    this.groupsOk = grown(this.groupsOk, capacity)
    this.head = grown(this.head, capacity)
    this.mark = grown(this.mark, capacity)
  }
}

/** Interns group-id lists, so 100,000 nodes in the same few groups share a few arrays. */
export class GroupIdInterner {
  readonly #lists = new Map<string, GroupIds>()

  intern(ids: readonly number[]): GroupIds {
    if (ids.length === 0) return NO_GROUPS
    const key = ids.join(',')
    let list = this.#lists.get(key)
    if (list === undefined) this.#lists.set(key, (list = Int32Array.from(ids)))
    return list
  }

  /** Forgets every list (after a roster pass, so lists of vanished memberships do not pile up). */
  clear(): void {
    this.#lists.clear()
  }
}
