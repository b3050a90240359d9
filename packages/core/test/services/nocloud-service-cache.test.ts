import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { MetadataError } from '../../src/errors.js'
import type { ResourceStore } from '../../src/ports/resource-store.js'
import { MOCK_NODE_FIXTURES } from '../../src/testing/fixtures.js'
import { GOLDEN_COMPUTE_YAML, GOLDEN_VENDOR_DATA } from '../../src/testing/goldens.js'
import { createMemoryStore } from '../../src/testing/memory-store.js'
import { renderGroupTemplate } from '../../src/templates/index.js'
import { COMPUTE, DEFAULT_SETUP, GREEN, REQUEST, setup } from './_nocloud-service.test-setup.js'

/** The default-setup store, counting `list` calls. */
function countingStore(inner: ResourceStore = createMemoryStore(DEFAULT_SETUP)) {
  const counter = { lists: 0 }
  const store: ResourceStore = {
    ...inner,
    list: (kind) => {
      counter.lists += 1
      return inner.list(kind)
    },
  }
  return { store, counter }
}

describe('NoCloud document cache (ARCHITECTURE hot path)', () => {
  it('renders each document once across 1,000 calls and loads the store index once', async () => {
    const { store, counter } = countingStore()
    let renders = 0
    const renderGroup: typeof renderGroupTemplate = (template, context) => {
      renders += 1
      return renderGroupTemplate(template, context)
    }
    const { service, node } = setup({ store, renderGroup })
    const n0 = await node()
    for (let i = 0; i < 1000; i++) {
      await service.metaData(n0, REQUEST)
      expect((await service.vendorData(n0, REQUEST)).body).toBe(GOLDEN_VENDOR_DATA)
      await service.networkConfig(n0)
      expect((await service.groupDocument(n0, 'compute', REQUEST)).body).toBe(GOLDEN_COMPUTE_YAML)
    }
    expect(service.stats().builds).toEqual({ metaData: 1, vendorData: 1, networkConfig: 1, group: 1 })
    expect(renders).toBe(1)
    expect(counter.lists).toBe(3)
    expect(service.stats().cachedDocuments).toBe(4)
  })

  it('shares one index load between concurrent first requests', async () => {
    const { store, counter } = countingStore()
    const { service, node } = setup({ store })
    const n0 = await node()
    const docs = await Promise.all(Array.from({ length: 50 }, () => service.metaData(n0, REQUEST)))
    expect(new Set(docs.map((d) => d.body)).size).toBe(1)
    expect(counter.lists).toBe(3)
  })

  it('rebuilds after a store write (store generation)', async () => {
    const { store, counter } = countingStore()
    const { service, node } = setup({ store })
    const n0 = await node()
    expect(parse((await service.metaData(n0, REQUEST)).body)['cluster-name']).toBe('testcluster')
    const cd = (await store.get('ClusterDefaults', 'clusterdefaults-00000001'))!
    await store.update({ ...cd, spec: { base_url: 'http://x', cluster_name: 'newer' } }, cd.metadata.resourceVersion)
    expect(parse((await service.metaData(n0, REQUEST)).body)['cluster-name']).toBe('newer')
    expect((await service.vendorData(n0, REQUEST)).body).toBe('#include\nhttp://x/compute.yaml\nhttp://x/green.yaml\n')
    expect(service.stats().builds.metaData).toBe(2)
    expect(counter.lists).toBe(6)
  })

  it('rebuilds after a snapshot change (inventory generation)', async () => {
    const { service, inventory, node } = setup()
    const before = await node()
    await service.metaData(before, REQUEST)
    inventory.setNodes([{ ...MOCK_NODE_FIXTURES[0]!, nid: 1234 }])
    const after = await node()
    expect(parse((await service.metaData(after, REQUEST)).body).hostname).toBe('tc1234')
    expect(service.stats().builds.metaData).toBe(2)
  })

  it('serves an equal copy of a node from the cache, but never another node state', async () => {
    const { service, inventory, node } = setup()
    const n0 = await node()
    await service.metaData(n0, REQUEST)
    await service.metaData(structuredClone(n0), REQUEST)
    expect(service.stats().builds.metaData).toBe(1)

    // A node resolved just before a sync, used just after it, must not pin its document under the new generation.
    inventory.setNodes([{ ...MOCK_NODE_FIXTURES[0]!, nid: 1234 }])
    expect(parse((await service.metaData(n0, REQUEST)).body).hostname).toBe('tc1000')
    expect(parse((await service.metaData(await node(), REQUEST)).body).hostname).toBe('tc1234')
  })

  it('keys vendor-data on the base URL it used', async () => {
    const { service, node } = setup({ resources: [COMPUTE, GREEN] })
    const n0 = await node()
    expect((await service.vendorData(n0, { host: 'a:1' })).body).toContain('http://a:1/compute.yaml')
    expect((await service.vendorData(n0, { host: 'b:2' })).body).toContain('http://b:2/compute.yaml')
    expect((await service.vendorData(n0, { host: 'a:1' })).body).toContain('http://a:1/compute.yaml')
    expect(service.stats().builds.vendorData).toBe(2)
  })

  it('holds at most maxCachedDocuments documents', async () => {
    const { service, node } = setup({ maxCachedDocuments: 2 })
    for (const address of ['10.252.0.26', '10.252.0.27', '10.252.0.28']) {
      const n = await node(address)
      await service.metaData(n, REQUEST)
      await service.networkConfig(n)
    }
    expect(service.stats().cachedDocuments).toBe(2)
  })

  it('does not cache a degraded answer', async () => {
    const inner = createMemoryStore(DEFAULT_SETUP)
    let failures = 1
    const flaky: ResourceStore = {
      ...inner,
      list: (kind) => (failures-- > 0 ? Promise.reject(new MetadataError('STORAGE_FAILED', 'transient')) : inner.list(kind)),
    }
    const { service, node } = setup({ store: flaky })
    const n0 = await node()
    expect((await service.vendorData(n0, REQUEST)).body).toBe('#include\n')
    expect((await service.vendorData(n0, REQUEST)).body).toBe(GOLDEN_VENDOR_DATA)
    expect(service.stats().degraded['vendor-data']).toBe(1)
  })
})

describe('vendor-data under a seed URL (SEED)', () => {
  it('puts the #include lines under the seed path, in a cache entry of its own; the plain answer is unchanged', async () => {
    const { service, node } = setup()
    const n0 = await node()
    const seedPath = '/n/uBNC-nFc9cNAQIpSVM85XmR0NfRqPBQ-'
    const seeded = await service.vendorData(n0, { ...REQUEST, seedPath })
    expect(seeded.body).toBe(`#include\nhttp://localhost:8888${seedPath}/compute.yaml\nhttp://localhost:8888${seedPath}/green.yaml\n`)
    expect((await service.vendorData(n0, REQUEST)).body).toBe(GOLDEN_VENDOR_DATA)
    expect((await service.vendorData(n0, { ...REQUEST, seedPath })).body).toBe(seeded.body)
    expect(service.stats().builds.vendorData).toBe(2)
    expect(service.stats().hits.vendorData).toBe(1)
    // Every other document is the plain one, from the same cache entry.
    const plain = await service.metaData(n0, REQUEST)
    const hits = service.stats().hits.metaData
    expect(await service.metaData(n0, { ...REQUEST, seedPath })).toEqual(plain)
    expect(service.stats().hits.metaData).toBe(hits + 1)
  })
})
