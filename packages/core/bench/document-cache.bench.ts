// Benchmark (not a test), issue 17: the boot-storm document cache (hand-written, `src/nocloud/document-cache.ts`)
// against the same epoch API on lru-cache (isaacs), at the default cap of 200,000 documents. Phases, each one
// storm's worth of work: a generation change followed by 200,000 stored misses (the cold storm after an SMD sync or
// a resource write), 800,000 hits (the warm storm), and 200,000 stores past the cap (every one evicts). Run from
// the repo root:
//   npx vitest bench --run packages/core/bench/document-cache.bench.ts
import { LRUCache } from 'lru-cache'
import { bench, describe } from 'vitest'
import { createDocumentCache, DEFAULT_MAX_CACHED_DOCUMENTS, type CacheEpoch, type DocumentCache } from '../src/nocloud/document-cache.js'
import { buildNodeTable } from '../src/node-table/node-table-builder.js'
import type { InventoryNode } from '../src/ports/inventory.js'
import type { RenderedDocument } from '../src/services/nocloud-api.js'

const CAP = DEFAULT_MAX_CACHED_DOCUMENTS
const DOCUMENTS = ['meta-data', 'vendor-data\u0000http://10.0.0.1:8080', 'network-config', 'group\u0000compute']
/** Snapshot nodes as the SMD adapter hands them out (stamped), four documents each: `2 × CAP` documents in all. */
const table = buildNodeTable(
  Array.from({ length: CAP / 2 }, (_, i): InventoryNode => ({ xname: `x${1000 + i}c0s0b0n0`, nid: i, role: 'Compute', groups: [], interfaces: [], nics: [] })),
)
const nodes = Array.from({ length: CAP / 2 }, (_, i) => table.at(i))
const nodeOf = (i: number): InventoryNode => nodes[i >> 2] as InventoryNode
const keyOf = (i: number): string => DOCUMENTS[i & 3] as string
const doc: RenderedDocument = { body: '#cloud-config\n', contentType: 'text/yaml' }

/** The same {@link DocumentCache} on one LRUCache, emptied with `clear()` when a generation changes. */
function createLruDocumentCache(generations: () => readonly number[], max: number): DocumentCache {
  const lru = new LRUCache<string, { node: InventoryNode; doc: RenderedDocument }>({ max })
  let seen = ''
  let current: CacheEpoch | undefined
  const epochOf = (token: string): CacheEpoch => ({
    get: (key, n) => {
      const hit = lru.get(`${n.xname}\u0000${key}`)
      return hit !== undefined && hit.node === n ? hit.doc : undefined
    },
    set: (key, n, d) => {
      if (token === seen) lru.set(`${n.xname}\u0000${key}`, { node: n, doc: d })
    },
    full: () => lru.size >= max,
  })
  return {
    epoch() {
      const now = generations().join(',')
      if (now !== seen) {
        lru.clear()
        seen = now
        current = undefined
      }
      return (current ??= epochOf(now))
    },
    size: () => lru.size,
  }
}

function storm(make: (generations: () => readonly number[], max: number) => DocumentCache) {
  let generation = 0
  const cache = make(() => [generation], CAP)
  let half = 0 // which half of `keys` the cache holds, so every store in the eviction phase is new
  return {
    coldStorm() {
      generation++
      const epoch = cache.epoch()
      for (let i = 0; i < CAP; i++) if (epoch.get(keyOf(i), nodeOf(i)) === undefined) epoch.set(keyOf(i), nodeOf(i), doc)
      half = 0
    },
    warmStorm() {
      const epoch = cache.epoch()
      let hits = 0
      for (let round = 0; round < 4; round++) for (let i = 0; i < CAP; i++) if (epoch.get(keyOf(i), nodeOf(i))) hits++
      return hits
    },
    evictions() {
      const epoch = cache.epoch()
      half = 1 - half
      for (let i = 0; i < CAP; i++) epoch.set(keyOf(half * CAP + i), nodeOf(half * CAP + i), doc)
    },
  }
}

const options = { iterations: 5, time: 0, warmupIterations: 1 }
const ours = storm(createDocumentCache)
const lru = storm(createLruDocumentCache)
describe('generation change, then 200,000 misses stored', () => {
  bench('createDocumentCache (typed-array table per generation)', () => ours.coldStorm(), options)
  bench('lru-cache (clear() per generation)', () => lru.coldStorm(), options)
})
describe('800,000 hits', () => {
  bench('createDocumentCache (typed-array table per generation)', () => void ours.warmStorm(), { ...options, setup: () => ours.coldStorm() })
  bench('lru-cache (clear() per generation)', () => void lru.warmStorm(), { ...options, setup: () => lru.coldStorm() })
})
describe('200,000 stores past the cap (each evicts)', () => {
  bench('createDocumentCache (typed-array table per generation)', () => ours.evictions(), { ...options, setup: () => ours.coldStorm() })
  bench('lru-cache (clear() per generation)', () => lru.evictions(), { ...options, setup: () => lru.coldStorm() })
})
