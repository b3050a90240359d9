import { flatText } from '../_internal/flat-text.js'
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
  /** The cached document for `key` if it was built from a node equal to `node`. */
  get(key: string, node: InventoryNode): RenderedDocument | undefined
  /**
   * Stores a document; ignored when the epoch has been superseded meanwhile (its inputs may be older). Returns the
   * document as kept (the same bytes, as a flat string), which the caller answers with.
   */
  set(key: string, node: InventoryNode, doc: RenderedDocument): RenderedDocument
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

  const epoch = (): CacheEpoch => {
    const now = generations()
    if (now.length !== seen.length || now.some((g, i) => g !== seen[i])) {
      map = new Map()
      order = insertionOrder(maxEntries)
      seen = [...now]
      current = undefined
    }
    return (current ??= epochOf(map))
  }
  const epochOf = (mine: Map<string, Entry>): CacheEpoch => {
    const put = (key: string, entry: Entry): void => {
      if (mine !== map) return
      if (!mine.has(key)) {
        const evicted = order.admit(key)
        if (evicted !== undefined) mine.delete(evicted)
      }
      mine.set(key, entry)
    }
    return {
      get(key, node) {
        const hit = mine.get(key)
        return hit !== undefined && sameNode(hit.node, node) ? hit.doc : undefined
      },
      set(key, node, doc) {
        // A body built by concatenation is a rope of every piece; flat, a cached document costs its bytes (OPS-7
        // RSS at 100,000 nodes: 4 documents per node, ~460 MB live as ropes on Node 24).
        const kept = { ...doc, body: flatText(doc.body) }
        put(key, { node: refOf(node), doc: kept })
        return kept
      },
      failure(key, node) {
        const hit = mine.get(key)
        return hit !== undefined && sameNode(hit.node, node) ? hit.failure : undefined
      },
      setFailure(key, node, failure) {
        put(key, { node: refOf(node), failure })
      },
      full: () => mine.size >= maxEntries,
    }
  }
  return { epoch, size: () => map.size }
}

/**
 * A cached document, or a cached render failure, with the node it was built from: the node's stamp when a node
 * table made it (issue 19: a number, so 200,000 entries do not hold 100,000 node objects alive), else the node.
 */
type Entry = { readonly node: InventoryNode | number; readonly doc?: RenderedDocument; readonly failure?: MetadataError }

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
