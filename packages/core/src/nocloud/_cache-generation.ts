import { mix32 } from '../_internal/hash-mix.js'
import { grown } from '../_internal/typed-array-growth.js'
import type { MetadataError } from '../errors.js'
import { nodeStamp } from '../node-table/node-identity.js'
import type { InventoryNode } from '../ports/inventory.js'
import type { RenderedDocument } from '../services/nocloud-api.js'
import { BodyStore } from './_cache-bodies.js'

// Entries in typed arrays, not one JS object and key string each (issue 19). At 100,000 nodes the cache's
// ~180–220 bytes of heap per entry were ~40 MB live at the 200,000-document cap, and every eviction past the cap
// left a promoted key, entry and Map slot behind as old-generation garbage, which set the peak RSS. Here an entry
// is ~50 bytes in arrays outside the V8 heap, allocated once per doubling, and evicting one frees nothing V8 has
// to collect.
//
// An entry is found by (node identity, document key): the identity is the node's stamp (node-identity.ts), or for
// a node no table made a number given to its xname, with the node kept to compare content. The key names the
// document within the node (document-keys.ts). Keys and content types are numbers into one list of strings, so
// no entry holds a JavaScript value of its own unless its key is one of many (past SHARED_KEYS_MAX).

/** Entry slots allocated before the first doubling. */
const FIRST_ENTRIES = 1024
/** Distinct keys numbered per generation; past this (e.g. per-node seed URLs) an entry keeps its own key string. */
const SHARED_KEYS_MAX = 4096
/** `keyIds` of an entry whose key is its own, kept in `ownKeys`. */
const OWN_KEY = -1
/** `slab` of an entry that holds a render failure, kept in `failures`. */
const FAILED = -1

/** The documents of one cache generation: at most `max` entries, the oldest stored evicted first. */
export class CacheGeneration {
  private count = 0
  // The entry slot a new key takes once the cap is reached: slots are taken in order, so this is the oldest.
  private oldest = 0
  private identities = new Float64Array(0)
  private hashes = new Int32Array(0)
  private slabs = new Int32Array(0)
  private starts = new Int32Array(0)
  private ends = new Int32Array(0)
  private keyIds = new Int32Array(0)
  private typeIds = new Int32Array(0)
  // Open addressing with linear probing: entry slot + 1, 0 for empty. At most half full.
  private table = new Int32Array(2 * FIRST_ENTRIES)
  // Numbered strings: the keys, up to SHARED_KEYS_MAX of them, and the content types (a handful, from the routes).
  private readonly strings: string[] = []
  private readonly stringIds = new Map<string, number>()
  private readonly ownKeys = new Map<number, string>()
  private readonly plainIds = new Map<string, number>()
  private readonly plainNodes = new Map<number, InventoryNode>()
  private readonly failures = new Map<number, MetadataError>()
  private readonly bodies = new BodyStore()
  private released = false

  private readonly max: number

  /** `max`: the cap on entries (at least 1). */
  constructor(max: number) {
    this.max = Math.max(1, max)
  }

  /** Entries held. */
  size(): number {
    return this.count
  }

  /** True when one more new entry would evict the oldest. */
  full(): boolean {
    return this.count >= this.max
  }

  /** The document stored for (`node`, `key`) from an equal node; undefined once released. */
  document(node: InventoryNode, key: string): RenderedDocument | undefined {
    const slot = this.find(node, key)
    if (slot < 0 || this.slabs[slot] === FAILED) return undefined
    const body = this.bodies.read(this.slabs[slot]!, this.starts[slot]!, this.ends[slot]!)
    return body === undefined ? undefined : { body, contentType: this.strings[this.typeIds[slot]!]! }
  }

  /** The failure stored for (`node`, `key`) from an equal node. */
  failure(node: InventoryNode, key: string): MetadataError | undefined {
    const slot = this.find(node, key)
    return slot < 0 ? undefined : this.failures.get(slot)
  }

  /** Stores a document, replacing any entry for (`node`, `key`) in place (it keeps its age). */
  setDocument(node: InventoryNode, key: string, doc: RenderedDocument): void {
    const place = this.bodies.write(doc.body)
    const slot = this.slotFor(node, key)
    this.slabs[slot] = place.slab
    this.starts[slot] = place.start
    this.ends[slot] = place.end
    this.typeIds[slot] = this.idOf(doc.contentType, true)
  }

  /** Stores a failure, as {@link setDocument}. */
  setFailure(node: InventoryNode, key: string, failure: MetadataError): void {
    const slot = this.slotFor(node, key)
    this.slabs[slot] = FAILED
    this.failures.set(slot, failure)
  }

  /** Frees the bodies at once; the generation answers nothing from then on. */
  release(): void {
    this.released = true
    this.bodies.release()
  }

  private find(node: InventoryNode, key: string): number {
    if (this.released) return -1
    const stamp = nodeStamp(node)
    const identity = stamp ?? this.plainIds.get(node.xname)
    if (identity === undefined) return -1
    const slot = this.lookup(identity, key, hashOf(identity, key))
    // Adapters hand out snapshot objects by reference or stamped (equal stamp: same table and position, so same
    // content); any other node object is compared with the one the entry was built from. A miss is only ever safe.
    if (slot < 0 || stamp !== undefined) return slot
    const built = this.plainNodes.get(slot)
    return built === node || JSON.stringify(built) === JSON.stringify(node) ? slot : -1
  }

  /** The slot (new, or the existing one emptied) that (`node`, `key`) is stored in. */
  private slotFor(node: InventoryNode, key: string): number {
    const stamp = nodeStamp(node)
    const identity = stamp ?? this.plainIdentity(node.xname)
    const hash = hashOf(identity, key)
    let slot = this.lookup(identity, key, hash)
    if (slot >= 0) this.empty(slot)
    else {
      slot = this.admit()
      this.identities[slot] = identity
      this.hashes[slot] = hash
      const id = this.idOf(key, this.stringIds.size < SHARED_KEYS_MAX)
      this.keyIds[slot] = id
      if (id === OWN_KEY) this.ownKeys.set(slot, key)
      this.place(slot)
    }
    if (stamp === undefined) this.plainNodes.set(slot, node)
    return slot
  }

  private lookup(identity: number, key: string, hash: number): number {
    const mask = this.table.length - 1
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const held = this.table[i]!
      if (held === 0) return -1
      const slot = held - 1
      if (this.hashes[slot] !== hash || this.identities[slot] !== identity) continue
      const id = this.keyIds[slot]!
      if ((id === OWN_KEY ? this.ownKeys.get(slot) : this.strings[id]) === key) return slot
    }
  }

  /** A slot for a new entry: the next unused one, or the oldest entry's once the cap is reached (evicting it). */
  private admit(): number {
    if (this.count >= this.max) {
      const slot = this.oldest
      this.oldest = (this.oldest + 1) % this.max
      this.unplace(slot)
      this.empty(slot)
      this.ownKeys.delete(slot)
      return slot
    }
    if (this.count === this.identities.length) this.growEntries()
    if (2 * (this.count + 1) > this.table.length) this.growTable()
    return this.count++
  }

  /** Lets go of what an entry's slot refers to (its body or failure, its node), all but its key. */
  private empty(slot: number): void {
    const slab = this.slabs[slot]!
    if (slab === FAILED) this.failures.delete(slot)
    else this.bodies.drop(slab)
    this.plainNodes.delete(slot)
  }

  private place(slot: number): void {
    const mask = this.table.length - 1
    let i = this.hashes[slot]! & mask
    while (this.table[i] !== 0) i = (i + 1) & mask
    this.table[i] = slot + 1
  }

  /** Removes `slot` from the table, moving later entries of its probe run back (no tombstones to skip). */
  private unplace(slot: number): void {
    const { table } = this
    const mask = table.length - 1
    let hole = this.hashes[slot]! & mask
    while (table[hole] !== slot + 1) hole = (hole + 1) & mask
    table[hole] = 0
    for (let i = (hole + 1) & mask; table[i] !== 0; i = (i + 1) & mask) {
      const home = this.hashes[table[i]! - 1]! & mask
      // An entry may fill the hole unless its home lies cyclically in (hole, i]: probing from there never passes it.
      const stays = hole <= i ? hole < home && home <= i : hole < home || home <= i
      if (stays) continue
      table[hole] = table[i]!
      table[i] = 0
      hole = i
    }
  }

  private growEntries(): void {
    const size = Math.min(this.max, Math.max(FIRST_ENTRIES, 2 * this.identities.length))
    this.identities = grown(this.identities, size)
    this.hashes = grown(this.hashes, size)
    this.slabs = grown(this.slabs, size)
    this.starts = grown(this.starts, size)
    this.ends = grown(this.ends, size)
    this.keyIds = grown(this.keyIds, size)
    this.typeIds = grown(this.typeIds, size)
  }

  private growTable(): void {
    this.table = new Int32Array(2 * this.table.length)
    for (let slot = 0; slot < this.count; slot++) this.place(slot)
  }

  private plainIdentity(xname: string): number {
    let id = this.plainIds.get(xname)
    // Negative: stamps are positive, so the two never meet.
    if (id === undefined) this.plainIds.set(xname, (id = -1 - this.plainIds.size))
    return id
  }

  /** The number of `text`, numbering it now if `room`; {@link OWN_KEY} when it has none. */
  private idOf(text: string, room: boolean): number {
    let id = this.stringIds.get(text)
    if (id === undefined && room) {
      id = this.strings.push(text) - 1
      this.stringIds.set(text, id)
    }
    return id ?? OWN_KEY
  }
}

/** A 32-bit hash of an entry's identity and key: FNV-1a over the key's UTF-16 units, seeded with the identity. */
function hashOf(identity: number, key: string): number {
  let h = Math.imul((identity | 0) ^ ((identity / 0x1_0000_0000) | 0), 0x9e3779b1)
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x0100_0193)
  // Signed, as the Int32Array it is kept in gives it back.
  return mix32(h) | 0
}
