import { describe, expect, it } from 'vitest'
import { createFakeInventory, createFixedClock, createMemoryStore, MOCK_NODE_FIXTURES } from '@metadata-service/core/testing'
import { createResourceService, type InventoryNode } from '@metadata-service/core'

// Issue 14: network definitions are validated at write (400 naming the field), against each other and against
// the addresses SMD lists, and a rejected write stores nothing.

const CD = { base_url: 'http://example.com', cluster_name: 'testcluster' }
const HMN = { ipv4: { subnet: '10.252.0.0/17', gateway: '10.252.0.1' }, default_route: true }

function setup(nodes: readonly InventoryNode[] = MOCK_NODE_FIXTURES) {
  const store = createMemoryStore()
  const inventory = createFakeInventory(nodes)
  const service = createResourceService({ store, clock: createFixedClock(Date.UTC(2025, 0, 1)), inventory })
  return { store, inventory, service }
}

async function refusal(write: Promise<unknown>): Promise<string> {
  const err = await write.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toMatchObject({ name: 'MetadataError', code: 'VALIDATION_FAILED' })
  return (err as Error).message
}

describe('network definitions at write (issue 14)', () => {
  it('stores good definitions on ClusterDefaults and InstanceInfo', async () => {
    const { service } = setup()
    const cd = await service.create('ClusterDefaults', { metadata: { name: 'c' }, spec: { ...CD, networks: { HMN, HSN: { mtu: 9000 } } } })
    expect(cd.spec.networks).toEqual({ HMN, HSN: { mtu: 9000 } })
    const info = await service.create('InstanceInfo', {
      metadata: { name: 'x1000c0s0b0n0' },
      spec: { instance_id: 'x1000c0s0b0n0', networks: { hsn: { ipv4: { subnet: '10.100.0.0/24' } } } },
    })
    expect(info.spec.networks).toEqual({ hsn: { ipv4: { subnet: '10.100.0.0/24' } } })
  })

  it('answers RES-9 type errors and unknown fields inside networks by path', async () => {
    const { service } = setup()
    const spec = { ...CD, networks: { HMN: { mtu: '9000', ipv4: { subnet: 1, via: 'x' }, routes: [{ via: 'y' }] }, HSN: 'x' } }
    expect(await refusal(service.create('ClusterDefaults', { metadata: { name: 'c' }, spec }))).toBe(
      'validation failed: networks.HMN.ipv4.subnet must be a string; networks.HMN.mtu must be an integer; ' +
        'networks.HMN.routes[0].to is required; networks.HSN must be an object; unknown fields in spec: [networks.HMN.ipv4.via]',
    )
  })

  it('refuses a bad CIDR, a gateway outside its subnet, overlap, bad MTU and two default routes, storing nothing', async () => {
    const { service, store } = setup()
    const spec = {
      ...CD,
      networks: {
        HMN: { ipv4: { subnet: '10.252.0.0/17', gateway: '10.253.0.1' }, default_route: true },
        HSN: { ipv4: { subnet: '10.100.0.0/33' }, mtu: 10 },
        NMN: { ipv4: { subnet: '10.252.8.0/24', gateway: '10.252.8.1' }, default_route: true },
      },
    }
    expect(await refusal(service.create('ClusterDefaults', { metadata: { name: 'c' }, spec }))).toBe(
      'validation failed: networks.HMN.ipv4.gateway must be inside networks.HMN.ipv4.subnet (10.252.0.0/17); ' +
        'networks.HSN.ipv4.subnet must be a CIDR such as 10.252.0.0/17 (prefix length must be 0-32); ' +
        'networks.HSN.mtu must be between 68 and 65535; ' +
        'networks.NMN.ipv4.subnet (10.252.8.0/24) must not overlap networks.HMN.ipv4.subnet (10.252.0.0/17); ' +
        'networks.NMN.default_route must be true on one network only, and networks.HMN has it',
    )
    expect(await store.list('ClusterDefaults')).toEqual([])
  })

  it('refuses a subnet that leaves out addresses SMD lists for that network (the conflict is visible at write)', async () => {
    const { service, store } = setup()
    const spec = { ...CD, networks: { hmn: { ipv4: { subnet: '10.252.0.0/28' } }, HSN: { ipv4: { subnet: '10.100.0.0/16' } } } }
    expect(await refusal(service.create('ClusterDefaults', { metadata: { name: 'c' }, spec }))).toBe(
      'validation failed: networks.hmn.ipv4.subnet (10.252.0.0/28) must contain the hmn addresses SMD lists: ' +
        '10.252.0.26 of x1000c0s0b0n0 is outside (and 2 more)',
    )
    expect(await store.list('ClusterDefaults')).toEqual([])
    // The same check for one node's InstanceInfo: only that node's addresses count.
    await service.create('ClusterDefaults', { metadata: { name: 'c' }, spec: { ...CD, networks: { HMN } } })
    const info = { metadata: { name: 'x1000c0s0b0n1' }, spec: { instance_id: 'x1000c0s0b0n1', networks: { HMN: { ipv4: { subnet: '10.252.0.16/28' } } } } }
    expect(await refusal(service.create('InstanceInfo', info))).toBe(
      'validation failed: networks.HMN.ipv4.gateway must be inside networks.HMN.ipv4.subnet (10.252.0.16/28)',
    )
    const moved = { ...info, spec: { ...info.spec, networks: { HMN: { ipv4: { subnet: '10.252.0.0/29', gateway: '10.252.0.1' } } } } }
    expect(await refusal(service.create('InstanceInfo', moved))).toBe(
      'validation failed: networks.HMN.ipv4.subnet (10.252.0.0/29) must contain the HMN addresses SMD lists: 10.252.0.27 of x1000c0s0b0n1 is outside',
    )
  })

  it('checks an InstanceInfo merged over ClusterDefaults, and ClusterDefaults against the InstanceInfos', async () => {
    const { service } = setup()
    const cd = await service.create('ClusterDefaults', { metadata: { name: 'c' }, spec: { ...CD, networks: { HMN } } })
    const override = { metadata: { name: 'x1000c0s0b0n0' }, spec: { instance_id: 'x1000c0s0b0n0', networks: { HSN: { default_route: true } } } }
    expect(await refusal(service.create('InstanceInfo', override))).toBe(
      'validation failed: networks.HSN.default_route needs networks.HSN.ipv4.gateway or networks.HSN.ipv6.gateway',
    )
    const gateway = { ...override.spec, networks: { HMN: { ipv4: { gateway: '10.252.0.254' } } } }
    await service.create('InstanceInfo', { metadata: override.metadata, spec: gateway })
    // The cluster cannot now move HMN away from the node's own gateway.
    const moved = { ...CD, networks: { HMN: { ipv4: { subnet: '10.252.0.0/25', gateway: '10.252.0.1' }, default_route: true } } }
    expect(await refusal(service.replace('ClusterDefaults', cd.metadata.uid, { spec: moved }))).toBe(
      'validation failed: InstanceInfo x1000c0s0b0n0: networks.HMN.ipv4.gateway must be inside networks.HMN.ipv4.subnet (10.252.0.0/25)',
    )
  })

  it('a write that leaves networks as stored is not blocked by a conflict SMD made since; one that changes them is', async () => {
    const { service, inventory } = setup()
    const cd = await service.create('ClusterDefaults', { metadata: { name: 'c' }, spec: { ...CD, networks: { HMN } } })
    const moved = structuredClone(MOCK_NODE_FIXTURES[0]!) as InventoryNode & { interfaces: { ipAddresses: { ip: string }[] }[] }
    moved.interfaces[0]!.ipAddresses[0]!.ip = '10.253.0.26'
    inventory.setNodes([moved, ...MOCK_NODE_FIXTURES.slice(1)])
    const renamed = await service.patch('ClusterDefaults', cd.metadata.uid, { description: 'renamed' }, 'merge')
    expect(renamed.spec.description).toBe('renamed')
    expect(await refusal(service.patch('ClusterDefaults', cd.metadata.uid, { networks: { HSN: { mtu: 9000 } } }, 'merge'))).toBe(
      'validation failed: networks.HMN.ipv4.subnet (10.252.0.0/17) must contain the HMN addresses SMD lists: 10.253.0.26 of x1000c0s0b0n0 is outside',
    )
  })

  it('does not block writes without networks, nor when the inventory cannot answer', async () => {
    const { service, inventory } = setup()
    await service.create('ClusterDefaults', { metadata: { name: 'c' }, spec: CD })
    inventory.failNext('INVENTORY_UNAVAILABLE')
    const info = { metadata: { name: 'x1000c0s0b0n0' }, spec: { instance_id: 'x1000c0s0b0n0', networks: { HMN: { ipv4: { subnet: '10.252.0.0/29' } } } } }
    expect((await service.create('InstanceInfo', info)).spec.networks).toEqual(info.spec.networks)
  })
})
