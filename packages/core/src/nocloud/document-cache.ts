import type { MetadataError } from '../errors.js'
import type { InventoryNode } from '../ports/inventory.js'
import type { RenderedDocument } from '../services/nocloud-api.js'
import { CacheGeneration } from './_cache-generation.js'

// Hand-written on purpose (issue 17), kept by measurement. At the 200,000-document cap on the same epoch API, means of
// `bench/document-cache.bench.ts` (Node 24, this 2-core machine): a cold storm (a generation change, then 200,000
// misses stored) 60 ms against lru-cache's 180 ms, 800,000 hits 188 ms against 245 ms, and 200,000 stores past the
// cap 50 ms against 173 ms. The Map of entry objects it replaced (issue 19, for memory) took 93, 284 and 131 ms.
// A generation change is one new CacheGeneration; the hot path is one probe of an Int32Array and a decode.

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
 * generation). At most `maxEntries` documents are kept (oldest inserted evicted first). A key names a document
 * within its node (document-keys.ts); an entry is returned only for the same node: the same snapshot node (by its
 * stamp), or for a node no snapshot made one with equal content, so a node resolved just before a snapshot swap can
 * never pin a stale document under the new generation.
 */
export function createDocumentCache(generations: () => readonly number[], maxEntries = DEFAULT_MAX_CACHED_DOCUMENTS): DocumentCache {
  let entries = new CacheGeneration(maxEntries)
  let seen: readonly number[] = []
  // One epoch object per generation: `epoch()` runs on every request (OPS-7).
  let current: CacheEpoch | undefined

  const epoch = (): CacheEpoch => {
    const now = generations()
    if (now.length !== seen.length || now.some((g, i) => g !== seen[i])) {
      // A request still holding the old epoch misses from now on, and renders, as any request after a change.
      entries.release()
      entries = new CacheGeneration(maxEntries)
      seen = [...now]
      current = undefined
    }
    return (current ??= epochOf(entries))
  }
  const epochOf = (mine: CacheGeneration): CacheEpoch => ({
    get: (key, node) => mine.document(node, key),
    set(key, node, doc) {
      if (mine === entries) mine.setDocument(node, key, doc)
    },
    failure: (key, node) => mine.failure(node, key),
    setFailure(key, node, failure) {
      if (mine === entries) mine.setFailure(node, key, failure)
    },
    full: () => mine.full(),
  })
  return { epoch, size: () => entries.size() }
}
