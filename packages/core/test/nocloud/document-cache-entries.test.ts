import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { MetadataError } from '../../src/errors.js'
import { buildNodeTable } from '../../src/node-table/node-table-builder.js'
import type { InventoryNode } from '../../src/ports/inventory.js'
import type { RenderedDocument } from '../../src/services/nocloud-api.js'
import { createDocumentCache } from '../../src/nocloud/document-cache.js'

// The cache's entries live in typed arrays behind an open-addressing table (issue 19); these tests check that the
// table answers exactly as a plain map with the same eviction order would, for many nodes and keys.

const plain = (i: number): InventoryNode => ({ xname: `x${i}c0s0b0n0`, nid: i, role: 'Compute', groups: [], interfaces: [], nics: [] })
const doc = (body: string): RenderedDocument => ({ body, contentType: 'text/yaml' })
const gc = (): void => {
  setFlagsFromString('--expose-gc')
  ;(runInNewContext('gc') as () => void)()
}

/** A deterministic pseudo-random generator (mulberry32), so a failure can be replayed. */
function random(seed: number): (n: number) => number {
  let s = seed >>> 0
  return (n) => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (((t ^ (t >>> 14)) >>> 0) % n) | 0
  }
}

describe('the document cache entries (issue 19)', () => {
  // `numbered`: false first fills the generation's numbered keys (4,096), so every key here is an entry's own.
  for (const numbered of [true, false]) {
    it(`answers like a map with first-in-first-out eviction, over 200,000 random stores, reads and evictions (${numbered ? 'numbered' : 'own'} keys)`, () => {
      const table = buildNodeTable(Array.from({ length: 300 }, (_, i) => plain(i)))
      // Stamped snapshot nodes, and plain nodes (live lookups, fakes) that share their xnames: never the same entry.
      const nodes = [...Array.from({ length: 300 }, (_, i) => table.at(i)), ...Array.from({ length: 40 }, (_, i) => plain(i))]
      const keys = ['meta-data', 'network-config', 'vendor-data\0http://a', 'vendor-data\0http://b', 'group\0compute', 'group\0io', 'group\0x', 'g']
      const cap = 1_000
      const cache = createDocumentCache(() => [1], cap)
      const epoch = cache.epoch()
      const model = new Map<string, { body?: string; failure?: MetadataError }>()
      const store = (id: string, value: { body?: string; failure?: MetadataError }) => {
        if (!model.has(id) && model.size === cap) model.delete(model.keys().next().value!)
        model.set(id, value)
      }
      if (!numbered) {
        for (let k = 0; k < 4_096; k++) {
          epoch.set(`fill${k}`, nodes[0]!, doc('fill'))
          store(`0|fill${k}`, { body: 'fill' })
        }
      }
      const next = random(19)
      for (let step = 0; step < 200_000; step++) {
        const n = next(nodes.length)
        const node = nodes[n]!
        const key = keys[next(keys.length)]!
        const id = `${n}|${key}`
        const op = next(10)
        if (op === 3) {
          const failure = new MetadataError('RENDER_FAILED', `failed ${step}`)
          epoch.setFailure(key, node, failure)
          store(id, { failure })
        } else if (op < 3) {
          const body = `${id}:${step}\n${'·'.repeat(next(300))}`
          epoch.set(key, node, doc(body))
          store(id, { body })
        } else {
          const want = model.get(id)
          expect(epoch.get(key, node)?.body, `step ${step}`).toBe(want?.body)
          expect(epoch.failure(key, node), `step ${step}`).toBe(want?.failure)
        }
        expect(cache.size()).toBe(model.size)
      }
      // And every entry still there, read back at the end.
      for (const [id, want] of model) {
        const [n, key] = id.split('|') as [string, string]
        expect(epoch.get(key, nodes[Number(n)]!)?.body).toBe(want.body)
        expect(epoch.failure(key, nodes[Number(n)]!)).toBe(want.failure)
      }
    })
  }

  it('never gives one node another node\'s document, however their keys collide', () => {
    const table = buildNodeTable(Array.from({ length: 5_000 }, (_, i) => plain(i)))
    const epoch = createDocumentCache(() => [1], 50_000).epoch()
    for (let i = 0; i < 5_000; i++) for (const key of ['meta-data', 'group\0compute']) epoch.set(key, table.at(i), doc(`${table.at(i).xname} ${key}`))
    for (let i = 0; i < 5_000; i++) {
      expect(epoch.get('meta-data', table.node(`x${i}c0s0b0n0`)!)?.body).toBe(`x${i}c0s0b0n0 meta-data`)
      expect(epoch.get('group\0compute', table.at(i))?.body).toBe(`x${i}c0s0b0n0 group\0compute`)
      expect(epoch.get('group\0io', table.at(i))).toBeUndefined()
    }
    // The same xname and content from another snapshot is another node to the cache: a miss, never a wrong hit.
    expect(epoch.get('meta-data', buildNodeTable([plain(7)]).at(0))).toBeUndefined()
  })

  it('holds an entry in typed arrays, with next to nothing on the V8 heap, so a 100,000-node cluster\'s documents all fit', () => {
    const nodes = 50_000
    const table = buildNodeTable(Array.from({ length: nodes }, (_, i) => plain(i)))
    const cache = createDocumentCache(() => [1], 4 * nodes)
    const epoch = cache.epoch()
    const groupKey = (n: number) => `group\0${n % 3 === 0 ? 'compute' : 'io'}`
    const keys = ['meta-data', 'network-config', 'vendor-data\0http://10.0.0.1:8080']
    // Every node object made before measuring: the table makes them on demand.
    const byNode = Array.from({ length: nodes }, (_, i) => table.at(i))
    gc()
    const before = process.memoryUsage().heapUsed
    for (const [i, node] of byNode.entries()) {
      for (const key of keys) epoch.set(key, node, doc('#cloud-config\n'))
      epoch.set(groupKey(i), node, doc('#cloud-config\n'))
    }
    gc()
    const perEntry = (process.memoryUsage().heapUsed - before) / cache.size()
    expect(cache.size()).toBe(4 * nodes)
    // Under half a byte: an entry is ~50 bytes in typed arrays outside the heap, which no collection traces. One JS
    // object, key string and Map slot each were ~180 bytes of heap here; the key and type as JS references, ~21.
    expect(perEntry).toBeLessThan(4)
    expect(epoch.get(groupKey(9), byNode[9]!)?.body).toBe('#cloud-config\n')
  })

  it('frees a buffer as soon as its last body is evicted, without waiting for a collection', () => {
    const table = buildNodeTable(Array.from({ length: 1_000 }, (_, i) => plain(i)))
    const epoch = createDocumentCache(() => [1], 300).epoch()
    const body = `${'z'.repeat(16_000)}\n`
    gc()
    const before = process.memoryUsage().arrayBuffers
    let most = 0
    // ~80 MB written through a cap of 300 bodies (~5 MB): at most the held bodies' buffers plus the one filling.
    for (let n = 0; n < 5_000; n++) {
      epoch.set(`k${n % 5}`, table.at(n % 1_000), doc(`${n}:${body}`))
      most = Math.max(most, process.memoryUsage().arrayBuffers - before)
    }
    expect(most).toBeLessThan(8 * 1024 * 1024)
    expect(epoch.get('k4', table.at(999))?.body).toBe(`4999:${body}`)
  })

  it('keeps a per-node key (a seed URL in vendor-data) correct past the keys it shares', () => {
    const table = buildNodeTable(Array.from({ length: 6_000 }, (_, i) => plain(i)))
    const epoch = createDocumentCache(() => [1], 10_000).epoch()
    const key = (i: number) => `vendor-data\0http://10.0.0.1:8080/seed/${i.toString(36)}`
    for (let i = 0; i < 6_000; i++) epoch.set(key(i), table.at(i), doc(`v${i}`))
    for (let i = 0; i < 6_000; i += 7) {
      expect(epoch.get(key(i), table.at(i))?.body).toBe(`v${i}`)
      expect(epoch.get(key(i + 1), table.at(i))).toBeUndefined()
    }
  })
})
