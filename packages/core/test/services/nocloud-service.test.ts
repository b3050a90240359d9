import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { MetadataError, isMetadataError } from '../../src/errors.js'
import type { InventoryNode } from '../../src/ports/inventory.js'
import type { ResourceStore } from '../../src/ports/resource-store.js'
import { K1, K2, MOCK_N0, MOCK_N1, MOCK_NODE_FIXTURES, storedResource } from '../../src/testing/fixtures.js'
import { GOLDEN_META_DATA, GOLDEN_NETWORK_CONFIG, GOLDEN_VENDOR_DATA } from '../../src/testing/goldens.js'
import { createMemoryStore } from '../../src/testing/memory-store.js'
import { CD, COMPUTE, DEFAULT_SETUP, GREEN, REQUEST, rejection, setup } from './_nocloud-service.test-setup.js'

describe('resolveNode (ID-4)', () => {
  it('finds mock nodes by HMN and HSN addresses', async () => {
    const { node } = setup()
    expect((await node('10.252.0.26')).xname).toBe(MOCK_N0)
    expect((await node('10.100.0.26')).xname).toBe(MOCK_N0)
    expect((await node('10.252.0.28')).xname).toBe('x1000c0s1b0n0')
  })

  it('answers NODE_NOT_FOUND for an unknown address', async () => {
    const err = await rejection(setup().node('192.168.99.99'))
    expect([err.code, err.message]).toEqual(['NODE_NOT_FOUND', 'node not found'])
  })

  it('turns an inventory outage into INVENTORY_UNAVAILABLE, keeping the cause', async () => {
    const { inventory, node } = setup()
    inventory.failNext('INVENTORY_UNAVAILABLE')
    const err = await rejection(node())
    expect([err.code, err.message]).toEqual(['INVENTORY_UNAVAILABLE', 'node lookup unavailable'])
    expect(isMetadataError(err.cause, 'INVENTORY_UNAVAILABLE')).toBe(true)
    inventory.failNext('TOKEN_UNAVAILABLE')
    expect((await rejection(node())).code).toBe('INVENTORY_UNAVAILABLE')
  })

  it('consults the tunnel map first and falls back when its name is not a node (WG-9)', async () => {
    const tunnel = new Map([
      ['100.97.0.2', MOCK_N1],
      ['100.97.0.3', 'not-a-node'],
    ])
    const { node, inventory } = setup({ tunnelResolver: (a) => tunnel.get(a) })
    expect((await node('100.97.0.2')).xname).toBe(MOCK_N1)
    expect(inventory.calls).toEqual({ resolve: 0, node: 1 })
    expect((await rejection(node('100.97.0.3'))).code).toBe('NODE_NOT_FOUND')
    expect((await node('10.252.0.26')).xname).toBe(MOCK_N0)
  })

  it('binds the tunnel addresses late: before useTunnelAddresses only the inventory answers, after it the owner first (WG-9)', async () => {
    const { service, node } = setup()
    expect((await rejection(node('100.97.0.2'))).code).toBe('NODE_NOT_FOUND')
    service.useTunnelAddresses({ resolveTunnelAddress: (a) => (a === '100.97.0.2' ? MOCK_N1 : undefined) })
    expect((await node('100.97.0.2')).xname).toBe(MOCK_N1)
    expect((await node('10.252.0.26')).xname).toBe(MOCK_N0)
  })
})

describe('meta-data (NC-5, NC-12)', () => {
  it('AT-1: equals the NC-12 golden, as application/x-yaml', async () => {
    const { service, node } = setup()
    const doc = await service.metaData(await node(), REQUEST)
    expect(doc.contentType).toBe('application/x-yaml')
    expect(parse(doc.body)).toEqual(parse(GOLDEN_META_DATA))
    expect(JSON.stringify(parse(doc.body))).toBe(JSON.stringify(parse(GOLDEN_META_DATA)))
    expect(doc.body).toContain('version: "1.0"\n')
  })

  it('AT-2: without resources', async () => {
    const { service, node } = setup({ resources: [] })
    const doc = await service.metaData(await node(), REQUEST)
    expect(doc.body).toContain('hostname: "1000"\n')
    expect(doc.body).toContain('local-hostname: "1000"\n')
    const parsed = parse(doc.body)
    expect(parsed['cluster-name']).toBe('')
    expect(parsed.instance_data.v1.vendor_data.groups).toEqual({ compute: {}, green: {} })
    expect(parsed.instance_data.v1.vendor_data).not.toHaveProperty('cloud_init_base_url')
  })

  it('AT-3: InstanceInfo overrides, a newer one by instance_id wins, deleting it restores the first', async () => {
    const { service, store, node } = setup()
    await store.create(
      storedResource('InstanceInfo', { metadata: { name: MOCK_N0 }, spec: { instance_id: 'i-1', hostname: 'custom', public_keys: [K2] } }, {
        uid: 'instanceinfo-00000001',
        createdAt: '2025-01-02T00:00:00.000Z',
      }),
    )
    const newer = await store.create(
      storedResource('InstanceInfo', { metadata: { name: 'by-id' }, spec: { instance_id: MOCK_N0, hostname: 'newer' } }, {
        uid: 'instanceinfo-00000002',
        createdAt: '2025-01-01T00:00:00.000Z',
        updatedAt: '2025-01-03T00:00:00.000000001Z',
      }),
    )
    const n0 = await node()
    expect(parse((await service.metaData(n0, REQUEST)).body)).toMatchObject({ 'instance-id': MOCK_N0, hostname: 'newer' })
    await store.delete('InstanceInfo', newer.metadata.uid)
    const parsed = parse((await service.metaData(n0, REQUEST)).body)
    expect(parsed).toMatchObject({ 'instance-id': 'i-1', hostname: 'custom', 'local-hostname': 'tc1000' })
    expect(parsed.instance_data.v1.public_keys).toEqual([K1, K2])
  })

  it('AT-4: a second, newer ClusterDefaults (a data dir of the Go service) wins; the older is superseded (§16)', async () => {
    const newer = storedResource('ClusterDefaults', { metadata: { name: 'second' }, spec: { base_url: 'http://x', cluster_name: 'newer' } }, {
      uid: 'clusterdefaults-00000002',
      createdAt: '2025-06-01T00:00:00.000Z',
    })
    const { service, node } = setup({ resources: [...DEFAULT_SETUP, newer] })
    expect(parse((await service.metaData(await node(), REQUEST)).body)['cluster-name']).toBe('newer')
  })

  it('never serves a superseded version, even when it was updated last (§16 RES-3)', async () => {
    // The older version carries the later updatedAt: NC-7 alone would pick it, the served rule (createdAt) does not.
    const older = storedResource('ClusterDefaults', { metadata: { name: 'old' }, spec: { base_url: 'http://old', cluster_name: 'older' } }, {
      uid: 'clusterdefaults-0000000f',
      createdAt: '2020-01-01T00:00:00.000Z',
      updatedAt: '2030-01-01T00:00:00.000Z',
    })
    const oldCompute = storedResource('Group', { metadata: { name: 'compute' }, spec: { template: '#cloud-config\nold: true\n' } }, {
      uid: 'group-0000000f',
      createdAt: '2020-01-01T00:00:00.000Z',
      updatedAt: '2030-01-01T00:00:00.000Z',
    })
    const { service, node } = setup({ resources: [...DEFAULT_SETUP, older, oldCompute] })
    const n0 = await node()
    expect(parse((await service.metaData(n0, REQUEST)).body)['cluster-name']).toBe('testcluster')
    expect((await service.groupDocument(n0, 'compute', REQUEST)).body).not.toContain('old: true')
  })

  it('uses public_url when no resource gives a base URL, never the Host header', async () => {
    const { service, node } = setup({ resources: [], publicUrl: 'https://m.example/ci/' })
    const parsed = parse((await service.metaData(await node(), { host: 'evil:1' })).body)
    expect(parsed.instance_data.v1.vendor_data.cloud_init_base_url).toBe('https://m.example/ci')
  })
})

describe('user-data (NC-2)', () => {
  it('AT-6: exactly #cloud-config\\n, needing no node', () => {
    expect(setup().service.userData()).toEqual({ body: '#cloud-config\n', contentType: 'text/cloud-config' })
  })
})

describe('vendor-data (NC-13, NC-17)', () => {
  it('AT-7: exactly the NC-13 golden, as text/plain', async () => {
    const { service, node } = setup()
    expect(await service.vendorData(await node(), REQUEST)).toEqual({
      body: GOLDEN_VENDOR_DATA,
      contentType: 'text/plain',
    })
  })

  it('AT-8: Host header, then public_url, then base_url', async () => {
    const noCd = [COMPUTE, GREEN]
    const host = setup({ resources: noCd })
    expect((await host.service.vendorData(await host.node(), REQUEST)).body).toContain('\nhttp://localhost:8888/compute.yaml\n')
    const pub = setup({ resources: noCd, publicUrl: 'https://m.example/ci/' })
    expect((await pub.service.vendorData(await pub.node(), REQUEST)).body).toContain('\nhttps://m.example/ci/compute.yaml\n')
    const cd = storedResource('ClusterDefaults', { metadata: { name: 'cd' }, spec: { base_url: 'http://t.local/', cluster_name: 'c' } })
    const base = setup({ resources: [cd, ...noCd], publicUrl: 'https://m.example/ci/' })
    expect((await base.service.vendorData(await base.node(), REQUEST)).body).toContain('\nhttp://t.local/compute.yaml\n')
    const proto = setup({ resources: noCd })
    expect((await proto.service.vendorData(await proto.node(), { host: 'ci.example', proto: 'https' })).body).toContain('\nhttps://ci.example/green.yaml\n')
  })

  it('AT-9: meta-data lists every membership, vendor-data only groups with templates', async () => {
    const fsNode: InventoryNode = { ...MOCK_NODE_FIXTURES[0]!, groups: ['compute', 'empty-group', 'storage'] }
    const emptyGroup = storedResource('Group', { metadata: { name: 'empty-group' }, spec: { template: '' } }, { uid: 'group-00000003' })
    const storage = storedResource('Group', { metadata: { name: 'storage' }, spec: { template: '#cloud-config\n' } }, { uid: 'group-00000004' })
    const { service, node } = setup({ nodes: [fsNode], resources: [CD, COMPUTE, emptyGroup, storage] })
    const n = await node()
    expect(Object.keys(parse((await service.metaData(n, REQUEST)).body).instance_data.v1.vendor_data.groups)).toEqual(['compute', 'empty-group', 'storage'])
    expect((await service.vendorData(n, REQUEST)).body).toBe('#include\nhttp://localhost:8888/compute.yaml\nhttp://localhost:8888/storage.yaml\n')
  })

  it('AT-10: a node with no groups gets #include\\n; a storage fault too, counted once as degraded', async () => {
    const onDegraded: string[] = []
    const lonely: InventoryNode = { ...MOCK_NODE_FIXTURES[0]!, groups: [] }
    const ok = setup({ nodes: [lonely], onDegraded: (r) => onDegraded.push(r) })
    expect((await ok.service.vendorData(await ok.node(), REQUEST)).body).toBe('#include\n')
    expect(ok.service.stats().degraded['vendor-data']).toBe(0)

    const healthy = createMemoryStore(DEFAULT_SETUP)
    const faulty: ResourceStore = { ...healthy, list: async () => Promise.reject(new MetadataError('STORAGE_FAILED', 'disk on fire')) }
    const broken = setup({ store: faulty, onDegraded: (r) => onDegraded.push(r) })
    expect(await broken.service.vendorData(await broken.node(), REQUEST)).toEqual({ body: '#include\n', contentType: 'text/plain' })
    expect(broken.service.stats().degraded).toEqual({ 'vendor-data': 1, 'network-config': 0 })
    expect(onDegraded).toEqual(['vendor-data'])
    expect(broken.logger.entries).toEqual([
      { level: 'warn', message: 'degraded response', fields: { route: 'vendor-data', node: MOCK_N0, error: 'disk on fire' } },
    ])
  })

  it('answers unreadable memberships, and a missing base URL, with the minimal body (NC-17)', async () => {
    const unreadable = setup({ nodes: [{ ...MOCK_NODE_FIXTURES[0]!, groups: undefined }] })
    expect((await unreadable.service.vendorData(await unreadable.node(), REQUEST)).body).toBe('#include\n')
    expect(unreadable.service.stats().degraded['vendor-data']).toBe(1)
    const noBase = setup({ resources: [COMPUTE] })
    expect((await noBase.service.vendorData(await noBase.node(), {})).body).toBe('#include\n')
    expect(noBase.service.stats().degraded['vendor-data']).toBe(1)
  })
})

describe('network-config (NC-15, NC-17)', () => {
  it('AT-15: static /24 subnets for the mock n0; exactly the minimal body without NICs', async () => {
    const bare: InventoryNode = { ...MOCK_NODE_FIXTURES[1]!, nics: [] }
    const { service, node } = setup({ nodes: [MOCK_NODE_FIXTURES[0]!, bare] })
    const doc = await service.networkConfig(await node())
    expect(doc.contentType).toBe('text/cloud-config')
    expect(doc.body).toBe(GOLDEN_NETWORK_CONFIG)
    expect((await service.networkConfig(await node('10.252.0.27'))).body).toBe('version: 1\nconfig: []\n')
  })

  it('answers a build failure with the minimal body and counts it', async () => {
    const onDegraded: string[] = []
    const { service } = setup({ onDegraded: (r) => onDegraded.push(r) })
    const corrupt = { ...MOCK_NODE_FIXTURES[0]!, xname: 'x-corrupt' } as InventoryNode
    Object.defineProperty(corrupt, 'nics', {
      get() {
        throw new Error('corrupt NIC data')
      },
    })
    expect(await service.networkConfig(corrupt)).toEqual({ body: 'version: 1\nconfig: []\n', contentType: 'text/cloud-config' })
    expect(service.stats().degraded).toEqual({ 'vendor-data': 0, 'network-config': 1 })
    expect(onDegraded).toEqual(['network-config'])
  })
})
