import { grown, nextCapacity } from '../_internal/typed-array-growth.js'

/** Document ids of a boot record entry; a group document is `GROUP_BASE` + its group id. */
export const DOC_META = 0
export const DOC_USER = 1
export const DOC_VENDOR = 2
export const DOC_NETWORK = 3
export const DOC_PHONE_HOME = 4
/** A group document of a group the node is not a member of (its latest name is kept in `name`). */
export const DOC_OTHER_GROUP = 5
export const GROUP_BASE = 6

/** The fixed documents' names, by id. */
export const FIXED_DOC_NAMES = ['meta-data', 'user-data', 'vendor-data', 'network-config', 'phone-home'] as const

/**
 * The per-document entries of every node's current boot, in columns (BOOT memory bound): an entry is a few numbers
 * in typed arrays plus two string slots, and freed entries are reused, so a boot storm allocates nothing per
 * request once the pool has grown to the fleet. Entries of one node form a singly linked list through `next`.
 */
export class DocPool {
  doc = new Int32Array(0)
  first = new Float64Array(0)
  last = new Float64Array(0)
  status = new Uint16Array(0)
  next = new Int32Array(0)
  /** The client address, only when it differs from the node's own latest address. */
  address: (string | undefined)[] = []
  /** The group name of a {@link DOC_OTHER_GROUP} entry. */
  name: (string | undefined)[] = []
  #used = 0
  #free = -1
  #live = 0

  /** Entries in use. */
  get live(): number {
    return this.#live
  }

  /** A fresh entry for `doc`, linked before `head`; returns its index. */
  take(doc: number, head: number): number {
    let entry = this.#free
    if (entry !== -1) this.#free = this.next[entry] as number
    else {
      entry = this.#used++
      if (entry >= this.doc.length) this.#grow(entry + 1)
    }
    this.#live += 1
    this.doc[entry] = doc
    this.first[entry] = 0
    this.last[entry] = 0
    this.status[entry] = 0
    this.next[entry] = head
    return entry
  }

  /** Returns every entry of the list starting at `head` to the pool. */
  release(head: number): void {
    let entry = head
    while (entry !== -1) {
      const following = this.next[entry] as number
      this.address[entry] = undefined
      this.name[entry] = undefined
      this.next[entry] = this.#free
      this.#free = entry
      this.#live -= 1
      entry = following
    }
  }

  /** The entry for `doc` in the list starting at `head`, or -1. */
  find(head: number, doc: number): number {
    let entry = head
    while (entry !== -1 && this.doc[entry] !== doc) entry = this.next[entry] as number
    return entry
  }

  /**
   * The {@link DOC_OTHER_GROUP} entry named `name` in the list starting at `head`; when there is none and `max`
   * such entries exist already, the one asked for least recently, emptied for reuse (a node asking for arbitrary
   * names cannot grow the pool); else -1 (the caller takes a fresh one).
   */
  findOther(head: number, name: string | undefined, max: number): number {
    let others = 0
    let oldest = -1
    for (let e = head; e !== -1; e = this.next[e] as number) {
      if (this.doc[e] !== DOC_OTHER_GROUP) continue
      if (this.name[e] === name) return e
      others += 1
      if (oldest === -1 || (this.last[e] as number) <= (this.last[oldest] as number)) oldest = e
    }
    if (others < max) return -1
    this.first[oldest] = 0
    this.status[oldest] = 0
    return oldest
  }

  #grow(needed: number): void {
    const capacity = nextCapacity(this.doc.length, needed)
    this.doc = grown(this.doc, capacity)
    this.first = grown(this.first, capacity)
    this.last = grown(this.last, capacity)
    this.status = grown(this.status, capacity)
    this.next = grown(this.next, capacity)
  }
}
