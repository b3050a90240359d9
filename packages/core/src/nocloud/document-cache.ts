import type { MetadataError } from '../errors.js'
import { nodeStamp } from '../node-table/node-identity.js'
import type { InventoryNode } from '../ports/inventory.js'
import type { RenderedDocument } from '../services/nocloud-api.js'

// Hand-written on purpose (issue 17), kept by measurement: on the same epoch API at the 200,000-document cap,
// lru-cache (isaacs) was 2.2x slower for a cold storm (a generation change, then 200,000 misses stored: 657 ms
// against 301 ms; its clear() alone walks 200,000 preallocated slots, about 250 ms) and 1.9x slower for hits
// (800,000: 759 ms against 408 ms), and 1.3x faster only for stores past the cap (615 ms against 803 ms); means of
// `bench/document-cache.bench.ts`. A generation change here is one new Map, and the hot path is one Map lookup.

/** Default cap on cached documents: four per node for 50,000 nodes, or fewer nodes with group documents. */
export const DEFAULT_MAX_CACHED_DOCUMENTS = 200_000

/** One generation's worth of rendered documents; obtain it before reading any input a document depends on. */
export interface CacheEpoch {
  /**
   * The cached document for `key` if it was built from a node equal to `node`: a new object each time, its body
   * decoded from the cached bytes (~0.2 µs for 1 KB).
   */
  get(key: string, node: InventoryNode): RenderedDocument | undefined
  /** Stores a document; ignored when the epoch has been superseded meanwhile (its inputs may be older). */
  set(key: string, node: InventoryNode, doc: RenderedDocument): void
  /**
   * The failure cached for `key` from a node equal to `node`: a render that ran into a template bound is as
   * certain as a document for the same inputs, and costs a whole budget to find out again (SPEC §16 "Template cost").
   */
  failure(key: string, node: InventoryNode): MetadataError | undefined
  /** Stores such a failure, under the same rules and cap as {@link set}. */
  setFailure(key: string, node: InventoryNode, error: MetadataError): void
  /**
   * True when storing one more new key would evict another (the cap is reached). The pre-render (OPS-7) stops
   * there instead of churning the cache.
   */
  full(): boolean
}

/** A rendered-document cache invalidated by generation numbers (ARCHITECTURE hot path). */
export interface DocumentCache {
  /**
   * The epoch for the current generations. When any generation differs from the previous call's, the cache is
   * emptied first, so a document never outlives the inventory snapshot or store state it was built from.
   */
  epoch(): CacheEpoch
  /** Documents currently held. */
  size(): number
}

/**
 * Creates a {@link DocumentCache}. `generations` is read on every `epoch()` call (e.g. inventory and store
 * generation). At most `maxEntries` documents are kept (oldest inserted evicted first). An entry is returned only
 * for the same node: the same object, or one with equal content, so a node resolved just before a snapshot swap
 * can never pin a stale document under the new generation.
 */
export function createDocumentCache(generations: () => readonly number[], maxEntries = DEFAULT_MAX_CACHED_DOCUMENTS): DocumentCache {
  let map = new Map<string, Entry>()
  let seen: readonly number[] = []
  // One epoch object per generation: `epoch()` runs on every request (OPS-7).
  let current: CacheEpoch | undefined
  let order = insertionOrder(maxEntries)
  let bodies: BodyWriter | undefined

  const epoch = (): CacheEpoch => {
    const now = generations()
    if (now.length !== seen.length || now.some((g, i) => g !== seen[i])) {
      bodies?.release()
      bodies = undefined
      map = new Map()
      order = insertionOrder(maxEntries)
      seen = [...now]
      current = undefined
    }
    return (current ??= epochOf(map))
  }
  const epochOf = (mine: Map<string, Entry>): CacheEpoch => {
    const write = (bodies = bodyWriter()).write
    const put = (key: string, entry: Entry): void => {
      if (!mine.has(key)) {
        const evicted = order.admit(key)
        if (evicted !== undefined) mine.delete(evicted)
      }
      mine.set(key, entry)
    }
    return {
      get(key, node) {
        const hit = mine.get(key)
        // A superseded epoch's bodies are released: a request still holding it misses, and renders.
        return hit instanceof StoredDocument && sameNode(hit.node, node) ? hit.document() : undefined
      },
      set(key, node, doc) {
        if (mine === map) put(key, write(refOf(node), doc))
      },
      failure(key, node) {
        const hit = mine.get(key)
        return hit instanceof StoredFailure && sameNode(hit.node, node) ? hit.failure : undefined
      },
      setFailure(key, node, failure) {
        if (mine === map) put(key, new StoredFailure(refOf(node), failure))
      },
      full: () => mine.size >= maxEntries,
    }
  }
  return { epoch, size: () => map.size }
}

/** Bytes of each buffer cached bodies are written into, one after another: 1 MiB. */
const SLAB_BYTES = 1 << 20
/** A body longer than this (UTF-16 units, up to 3 bytes each in UTF-8) gets a buffer of its own. */
const OWN_BUFFER_UNITS = Math.floor(SLAB_BYTES / 8 / 3)

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder()

/**
 * A cached document: its body as UTF-8 in a shared buffer, and the node it was built from (the node's stamp when a
 * node table made it, issue 19: a number, so 200,000 entries do not hold 100,000 node objects alive; else the node).
 *
 * Bytes, not a string (issue 19): 200,000 bodies as strings were ~145 MB of V8 heap at 100,000 nodes, which V8 lets
 * grow about twofold or more before it collects, and every major GC marks. In 1 MiB buffers outside the heap they
 * cost their bytes, and a generation's buffers are freed with it.
 */
class StoredDocument {
  constructor(
    readonly node: InventoryNode | number,
    private readonly contentType: string,
    private readonly slab: Uint8Array<ArrayBuffer>,
    private readonly start: number,
    private readonly end: number,
  ) {}

  /** The document as it was given to the cache; undefined once its generation released its buffer. */
  document(): RenderedDocument | undefined {
    if (this.slab.buffer.detached) return undefined
    return { body: fromUtf8.decode(this.slab.subarray(this.start, this.end)), contentType: this.contentType }
  }
}

/** A cached render failure and the node it came from (as {@link StoredDocument}'s). */
class StoredFailure {
  constructor(
    readonly node: InventoryNode | number,
    readonly failure: MetadataError,
  ) {}
}

type Entry = StoredDocument | StoredFailure

/** Buffer references a writer keeps before it first drops the dead ones. */
const PRUNE_MIN = 64

/** One generation's body storage. */
interface BodyWriter {
  /** Copies `doc`'s body into the generation's buffers. */
  write(node: InventoryNode | number, doc: RenderedDocument): StoredDocument
  /**
   * Frees every buffer still alive at once (detaches it), for a generation the cache has dropped: its bytes would
   * otherwise wait for V8's next full collection, beside those of the generation filling up (issue 19).
   */
  release(): void
}

/**
 * Stores bodies one after another in buffers of {@link SLAB_BYTES} (one writer per generation, so a generation's
 * buffers go with its map). A buffer stays alive while any document in it is cached; the cap evicts in insertion
 * order, so buffers empty in the order they filled. The writer holds its buffers weakly, for `release` only.
 */
function bodyWriter(): BodyWriter {
  let slab: Uint8Array<ArrayBuffer> = new Uint8Array(0)
  let used = 0
  let made: WeakRef<ArrayBuffer>[] = []
  // Buffers evicted and collected leave dead references: dropped whenever the list doubles.
  let pruneAt = PRUNE_MIN
  const fresh = (bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> => {
    if (made.length >= pruneAt) {
      made = made.filter((ref) => ref.deref() !== undefined)
      pruneAt = Math.max(PRUNE_MIN, 2 * made.length)
    }
    made.push(new WeakRef(bytes.buffer))
    return bytes
  }
  return {
    write(node, doc) {
      const text = doc.body
      if (text.length > OWN_BUFFER_UNITS) {
        const own = fresh(utf8.encode(text))
        return new StoredDocument(node, doc.contentType, own, 0, own.length)
      }
      let done = utf8.encodeInto(text, slab.subarray(used))
      if (done.read < text.length) {
        slab = fresh(new Uint8Array(SLAB_BYTES))
        used = 0
        done = utf8.encodeInto(text, slab)
      }
      const start = used
      used += done.written
      return new StoredDocument(node, doc.contentType, slab, start, used)
    },
    release() {
      for (const ref of made) ref.deref()?.transfer(0)
      made = []
      slab = new Uint8Array(0)
      used = 0
    },
  }
}

function refOf(node: InventoryNode): InventoryNode | number {
  return nodeStamp(node) ?? node
}

function sameNode(a: InventoryNode | number, b: InventoryNode): boolean {
  // Adapters hand out snapshot objects by reference or stamped (equal stamp: same table and position, so same
  // content), so the cheap check nearly always decides. Another stamp is a miss, which is only ever safe.
  if (typeof a === 'number') return a === nodeStamp(b)
  return a === b || JSON.stringify(a) === JSON.stringify(b)
}

/**
 * The keys of one generation in insertion order, at most `max` (at least 1): admitting one more returns the oldest,
 * which the caller evicts. A ring, because `map.keys().next()` on a Map that has evicted is not O(1): V8 skips the
 * deleted slots at the front of its table until the next rehash, which took 20 s for 200,000 stores past the
 * 200,000-document cap, against 0.5 s with this ring (100 µs against 2.5 µs per eviction).
 */
function insertionOrder(max: number): { admit(key: string): string | undefined } {
  const size = Math.max(1, max)
  const keys: string[] = []
  let oldest = 0
  return {
    admit(key) {
      if (keys.length < size) {
        keys.push(key)
        return undefined
      }
      const evicted = keys[oldest]
      keys[oldest] = key
      oldest = (oldest + 1) % size
      return evicted
    },
  }
}
