import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import type { InventoryNode } from '../../src/ports/inventory.js'
import type { RenderedDocument } from '../../src/services/nocloud-api.js'
import { buildNodeTable } from '../../src/node-table/node-table-builder.js'
import { createDocumentCache } from '../../src/nocloud/document-cache.js'

const NODE = { xname: 'x1000c0s0b0n0', nid: 1 } as unknown as InventoryNode
const doc = (body: string): RenderedDocument => ({ body, contentType: 'text/plain' })

/** The keys (of `candidates`) the epoch still holds for NODE. */
function held(epoch: ReturnType<ReturnType<typeof createDocumentCache>['epoch']>, candidates: readonly string[]): string[] {
  return candidates.filter((key) => epoch.get(key, NODE) !== undefined)
}

describe('createDocumentCache', () => {
  it('evicts the oldest inserted key first, however often the cap wraps around (OPS-7)', () => {
    const cache = createDocumentCache(() => [1], 3)
    const epoch = cache.epoch()
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}`)
    for (const [i, key] of keys.entries()) {
      epoch.set(key, NODE, doc(key))
      expect(held(epoch, keys)).toEqual(keys.slice(Math.max(0, i - 2), i + 1))
      expect(cache.size()).toBe(Math.min(3, i + 1))
    }
    expect(epoch.get('k19', NODE)?.body).toBe('k19')
  })

  it('replaces a stored key in place: no eviction, and it keeps its age', () => {
    const cache = createDocumentCache(() => [1], 2)
    const epoch = cache.epoch()
    epoch.set('a', NODE, doc('a1'))
    epoch.set('b', NODE, doc('b1'))
    expect(epoch.full()).toBe(true)
    epoch.set('a', NODE, doc('a2'))
    expect(held(epoch, ['a', 'b'])).toEqual(['a', 'b'])
    expect(epoch.get('a', NODE)?.body).toBe('a2')
    epoch.set('c', NODE, doc('c1'))
    expect(held(epoch, ['a', 'b', 'c'])).toEqual(['b', 'c'])
  })

  it('starts empty, with a fresh eviction order, when a generation changes; a superseded epoch stores nothing', () => {
    let generation = 1
    const cache = createDocumentCache(() => [generation], 2)
    const old = cache.epoch()
    old.set('a', NODE, doc('a'))
    old.set('b', NODE, doc('b'))
    generation = 2
    const epoch = cache.epoch()
    expect(cache.size()).toBe(0)
    old.set('c', NODE, doc('c'))
    expect(cache.size()).toBe(0)
    epoch.set('x', NODE, doc('x'))
    epoch.set('y', NODE, doc('y'))
    epoch.set('z', NODE, doc('z'))
    expect(held(epoch, ['a', 'b', 'c', 'x', 'y', 'z'])).toEqual(['y', 'z'])
  })

  it('answers only for the same node (the same object or equal content)', () => {
    const epoch = createDocumentCache(() => [1], 2).epoch()
    epoch.set('a', NODE, doc('a'))
    expect(epoch.get('a', { ...NODE })?.body).toBe('a')
    expect(epoch.get('a', { ...NODE, nid: 2 } as InventoryNode)).toBeUndefined()
  })

  it('holds a node of a node table by its stamp: the table\'s node hits, a copy or another table\'s node misses (issue 19)', () => {
    const node: InventoryNode = { xname: 'x1', nid: 1, role: '', groups: [], interfaces: [], nics: [] }
    const table = buildNodeTable([node])
    const epoch = createDocumentCache(() => [1], 4).epoch()
    epoch.set('a', table.at(0), doc('a'))
    expect(epoch.get('a', table.node('x1')!)?.body).toBe('a')
    // Equal content without the stamp, or from another table (another snapshot), is not trusted: a miss is safe.
    expect(epoch.get('a', { ...table.at(0) })).toBeUndefined()
    expect(epoch.get('a', buildNodeTable([node]).at(0))).toBeUndefined()
    // Plain nodes (live lookups, fakes) still match by content.
    epoch.set('b', node, doc('b'))
    expect(epoch.get('b', { ...node })?.body).toBe('b')
  })

  it('keeps a document built by concatenation at about its length, its body outside the V8 heap (OPS-7 RSS, issue 19)', () => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const documents = 20_000
    // A meta-data-sized body made as the builders make theirs: one piece at a time (V8 keeps it as a rope).
    const rope = (n: number) => {
      let body = ''
      for (let line = 0; line < 40; line++) body += `key${line}: value-${n}\n`
      return body
    }
    let generation = 1
    const cache = createDocumentCache(() => [generation], documents)
    const epoch = cache.epoch()
    let chars = 0
    gc()
    const before = process.memoryUsage().heapUsed
    for (let n = 0; n < documents; n++) {
      const body = rope(n)
      chars += body.length
      epoch.set(`k${n}`, NODE, doc(body))
    }
    gc()
    const heap = process.memoryUsage().heapUsed - before
    expect(cache.size()).toBe(documents)
    expect(epoch.get('k7', NODE)?.body).toBe(rope(7))
    // The bodies' bytes, as the cache frees them at once on a generation change: a collection frees other buffers
    // only when its sweeper gets to them, which would blur a before-and-after difference.
    const filled = process.memoryUsage().arrayBuffers
    generation = 2
    cache.epoch()
    const buffers = filled - process.memoryUsage().arrayBuffers
    // The keys stay on the heap (20,000 distinct here, so most are entries' own; ~0.2x the text with the old entry
    // objects); as strings the bodies were ~1.3x there, and as ropes ~6.5x on Node 22/24. Their bytes are in 1 MiB buffers: the text's length, rounded up to whole buffers.
    expect(heap / chars).toBeLessThan(0.5)
    expect(buffers / chars).toBeGreaterThan(0.8)
    expect(buffers / chars).toBeLessThan(1.3)
  })

  it('gives back the text it was given, for any text and size, as a plain document (issue 19)', () => {
    const epoch = createDocumentCache(() => [1], 100).epoch()
    const texts = ['', 'plain: ascii\n', 'hostname: nœud-ü\nemoji: 🚀\n', `big: ${'é'.repeat(200_000)}\n`, 'after: big\n']
    texts.forEach((text, k) => epoch.set(`k${k}`, NODE, doc(text)))
    texts.forEach((text, k) => expect(epoch.get(`k${k}`, NODE)).toStrictEqual(doc(text)))
  })

  it('fills a new buffer when a body does not fit in the rest of the current one, without overwriting others', () => {
    const epoch = createDocumentCache(() => [1], 10_000).epoch()
    const texts = Array.from({ length: 3_000 }, (_, n) => `${'x'.repeat(n % 700)}${'ü'.repeat(n % 50)}:${n}\n`)
    texts.forEach((text, n) => epoch.set(`k${n}`, NODE, doc(text)))
    texts.forEach((text, n) => expect(epoch.get(`k${n}`, NODE)?.body).toBe(text))
  })

  it('frees a dropped generation\'s bodies at once, not at the next full collection; its epoch then misses (issue 19)', () => {
    let generation = 1
    const cache = createDocumentCache(() => [generation], 2_000)
    const old = cache.epoch()
    const body = `${'y'.repeat(16_000)}\n`
    for (let n = 0; n < 2_000; n++) old.set(`k${n}`, NODE, doc(`${n}:${body}`))
    expect(old.get('k5', NODE)?.body).toBe(`5:${body}`)
    const filled = process.memoryUsage().arrayBuffers
    generation = 2
    const now = cache.epoch()
    const dropped = filled - process.memoryUsage().arrayBuffers
    // 2,000 × 16 KB in 1 MiB buffers: ~31 MiB back without a collection in between.
    expect(dropped).toBeGreaterThan(28 * 1024 * 1024)
    // A request that took the old epoch before the change finds nothing there and renders, as after any change.
    expect(old.get('k5', NODE)).toBeUndefined()
    now.set('k5', NODE, doc('new'))
    expect(now.get('k5', NODE)?.body).toBe('new')
  })

  it('frees the live bodies of a generation that evicted many buffers, and keeps serving its own (issue 19)', () => {
    let generation = 1
    const cache = createDocumentCache(() => [generation], 300)
    const epoch = cache.epoch()
    const body = `${'z'.repeat(16_000)}\n`
    // ~80 buffers of 1 MiB made, each freed with its last evicted body; ~5 still hold the last 300 bodies.
    for (let n = 0; n < 5_000; n++) epoch.set(`k${n}`, NODE, doc(`${n}:${body}`))
    expect(held(epoch, ['k0', 'k4699', 'k4700', 'k4999'])).toEqual(['k4700', 'k4999'])
    expect(epoch.get('k4999', NODE)?.body).toBe(`4999:${body}`)
    const filled = process.memoryUsage().arrayBuffers
    generation = 2
    cache.epoch()
    expect(filled - process.memoryUsage().arrayBuffers).toBeGreaterThan(4 * 1024 * 1024)
    expect(epoch.get('k4999', NODE)).toBeUndefined()
  })

  it('keeps nothing when its epoch was superseded', () => {
    let generation = 1
    const cache = createDocumentCache(() => [generation], 10)
    const old = cache.epoch()
    generation = 2
    const now = cache.epoch()
    old.set('k', NODE, doc('late'))
    expect(cache.size()).toBe(0)
    expect(now.get('k', NODE)).toBeUndefined()
  })
})
