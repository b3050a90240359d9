import { describe, expect, it } from 'vitest'
import type { ClusterDefaults } from '../../src/domain/cluster-defaults.js'
import type { Networks } from '../../src/domain/network-definitions.js'
import { MOCK_N0, MOCK_N1, QUICKSTART_CLUSTER_DEFAULTS, storedResource } from '../../src/testing/fixtures.js'
import { GOLDEN_NETWORK_CONFIG } from '../../src/testing/goldens.js'
import { COMPUTE, GREEN, REQUEST, rejection, setup } from './_nocloud-service.test-setup.js'

// Issue 14 through the NoCloud service: the routes, the cache, the pre-render, the counters and the preview all
// see the network definitions.

const NETWORKS: Networks = {
  HMN: { ipv4: { subnet: '10.252.0.0/17', gateway: '10.252.0.1' }, default_route: true, dns_nameservers: ['10.252.0.2'] },
  HSN: { ipv4: { subnet: '10.100.0.0/16' }, mtu: 9000 },
}

function clusterDefaults(networks: Networks | undefined): ClusterDefaults {
  const spec = { ...QUICKSTART_CLUSTER_DEFAULTS.spec, ...(networks === undefined ? {} : { networks }) }
  return storedResource('ClusterDefaults', { ...QUICKSTART_CLUSTER_DEFAULTS, spec }, { uid: 'clusterdefaults-00000001' })
}

const N0_DEFINED =
  'version: 1\nconfig:\n' +
  '  - type: physical\n    name: eth0\n    mac_address: b4:2e:99:be:1a:6d\n    description: Node Management Network\n' +
  '    subnets:\n      - type: static\n        address: 10.252.0.26/17\n        gateway: 10.252.0.1\n        dns_nameservers:\n          - 10.252.0.2\n' +
  '  - type: physical\n    name: eth1\n    mac_address: b4:2e:99:be:1a:6e\n    description: High Speed Network\n    mtu: 9000\n' +
  '    subnets:\n      - type: static\n        address: 10.100.0.26/16\n'

describe('network-config with network definitions (issue 14)', () => {
  it('the route answers from the definitions; a ClusterDefaults write re-renders it (cache keyed on the store generation)', async () => {
    const { service, store, node } = setup({ resources: [clusterDefaults(NETWORKS), COMPUTE, GREEN] })
    const n0 = await node()
    expect((await service.networkConfig(n0)).body).toBe(N0_DEFINED)
    expect((await service.networkConfig(n0)).body).toBe(N0_DEFINED)
    expect(service.stats().builds.networkConfig).toBe(1)

    const [stored] = await store.list('ClusterDefaults')
    await store.update({ ...stored!, spec: { ...stored!.spec, networks: { ...NETWORKS, HSN: { ipv4: { subnet: '10.100.0.0/20' } } } } }, '1')
    const after = (await service.networkConfig(n0)).body
    expect(after).toContain('address: 10.100.0.26/20\n')
    expect(after).not.toContain('mtu')
    // Removing the definitions gives NC-15 back, byte for byte.
    await store.update({ ...stored!, spec: QUICKSTART_CLUSTER_DEFAULTS.spec }, '2')
    expect((await service.networkConfig(n0)).body).toBe(GOLDEN_NETWORK_CONFIG)
    expect(service.stats().builds.networkConfig).toBe(3)
  })

  it("an InstanceInfo's networks override the cluster's for that node only", async () => {
    const info = storedResource('InstanceInfo', {
      metadata: { name: MOCK_N0 },
      spec: { instance_id: MOCK_N0, networks: { hsn: { ipv4: { subnet: '10.100.0.0/24' }, mtu: 4000 } } },
    })
    const { service, node } = setup({ resources: [clusterDefaults(NETWORKS), info] })
    const n0 = (await service.networkConfig(await node())).body
    expect(n0).toContain('    mtu: 4000\n    subnets:\n      - type: static\n        address: 10.100.0.26/24\n')
    expect(n0).toContain('address: 10.252.0.26/17\n        gateway: 10.252.0.1\n')
    expect((await service.networkConfig(await node('10.252.0.27'))).body).toContain('mtu: 9000')
  })

  it('counts addresses by outcome, and logs the ones left out with their reason', async () => {
    const narrow: Networks = { ...NETWORKS, HSN: { ipv4: { subnet: '10.100.1.0/24' } } }
    const { service, node, logger } = setup({ resources: [clusterDefaults(narrow)] })
    expect(service.stats().networkAddresses).toEqual({ defined: 0, guessed: 0, leftOut: 0 })
    const body = (await service.networkConfig(await node())).body
    expect(body).not.toContain('10.100.0.26')
    await service.networkConfig(await node()) // cached: counts nothing more
    expect(service.stats().networkAddresses).toEqual({ defined: 1, guessed: 0, leftOut: 1 })
    expect(logger.entries.filter((e) => e.message === 'network-config addresses left out')).toEqual([
      {
        level: 'warn',
        message: 'network-config addresses left out',
        fields: { node: MOCK_N0, addresses: ["eth1 10.100.0.26 (HSN): left out: outside HSN's IPv4 subnet 10.100.1.0/24"] },
      },
    ])
  })

  it('without definitions every written address counts as guessed, and nothing is logged', async () => {
    const { service, node, logger } = setup()
    expect((await service.networkConfig(await node())).body).toBe(GOLDEN_NETWORK_CONFIG)
    expect(service.stats().networkAddresses).toEqual({ defined: 0, guessed: 2, leftOut: 0 })
    expect(logger.entries.filter((e) => e.level === 'warn')).toEqual([])
  })

  it('the pre-render caches the same bytes the route builds', async () => {
    const { service, node } = setup({ resources: [clusterDefaults(NETWORKS)] })
    const prerender = service.startPrerender({ scheduler: { soon: (task) => task(), every: () => () => undefined } })
    await new Promise((resolve) => setImmediate(resolve))
    prerender.stop()
    expect(service.stats().prerender.builds.networkConfig).toBe(3)
    expect((await service.networkConfig(await node())).body).toBe(N0_DEFINED)
    expect(service.stats().builds.networkConfig).toBe(0)
  })
})

describe('render preview of network-config (issue 14)', () => {
  it('flags what is guessed: without definitions, and for networks without one', async () => {
    const { service } = setup()
    const doc = (await service.preview({ node: MOCK_N0, request: REQUEST })).documents.find((d) => d.path === '/network-config')
    expect(doc).toEqual({
      path: '/network-config',
      document: { body: GOLDEN_NETWORK_CONFIG, contentType: 'text/cloud-config' },
      notes: [
        'eth0 10.252.0.26 (HMN): prefix /24 guessed: no network definitions',
        'eth1 10.100.0.26 (HSN): prefix /24 guessed: no network definitions',
      ],
    })
    const hmnOnly = setup({ resources: [clusterDefaults({ HMN: NETWORKS.HMN! })] })
    const preview = await hmnOnly.service.preview({ node: MOCK_N1, request: REQUEST })
    expect(preview.documents.find((d) => d.path === '/network-config')?.notes).toEqual([
      'eth1 10.100.0.27 (HSN): prefix /24 guessed: no definition for network HSN',
    ])
  })

  it('shows proposed networks as the network-config diff, storing nothing and counting nothing', async () => {
    const { service, store } = setup()
    const generation = store.generation()
    const preview = await service.preview({ node: MOCK_N0, networks: NETWORKS, request: REQUEST })
    expect(preview.documents.map((d) => d.document?.body)).toEqual([GOLDEN_NETWORK_CONFIG])
    expect(preview.proposed).toMatchObject({ path: '/network-config', document: { body: N0_DEFINED, contentType: 'text/cloud-config' } })
    expect(preview.proposed?.notes).toBeUndefined()
    expect(preview.proposed?.diff).toBe(
      [
        '--- network-config (stored networks)',
        '+++ network-config (proposed networks)',
        '@@ -6,11 +6,15 @@',
        '     description: Node Management Network',
        '     subnets:',
        '       - type: static',
        '-        address: 10.252.0.26/24',
        '+        address: 10.252.0.26/17',
        '+        gateway: 10.252.0.1',
        '+        dns_nameservers:',
        '+          - 10.252.0.2',
        '   - type: physical',
        '     name: eth1',
        '     mac_address: b4:2e:99:be:1a:6e',
        '     description: High Speed Network',
        '+    mtu: 9000',
        '     subnets:',
        '       - type: static',
        '-        address: 10.100.0.26/24',
        '+        address: 10.100.0.26/16',
        '',
      ].join('\n'),
    )
    expect(store.generation()).toBe(generation)
    expect(service.stats().networkAddresses).toEqual({ defined: 0, guessed: 0, leftOut: 0 })
  })

  it('refuses proposed networks that break a rule, or come with a group or template', async () => {
    const { service } = setup()
    const bad = await rejection(service.preview({ node: MOCK_N0, networks: { HMN: { ipv4: { subnet: '10.252.0.0/33' }, mtu: '1500' } }, request: REQUEST }))
    expect(bad).toMatchObject({ code: 'VALIDATION_FAILED', message: 'validation failed: networks.HMN.mtu must be an integer' })
    const rule = await rejection(service.preview({ node: MOCK_N0, networks: { HMN: { ipv4: { subnet: '10.252.0.0/33' } } }, request: REQUEST }))
    expect(rule.message).toBe('validation failed: networks.HMN.ipv4.subnet must be a CIDR such as 10.252.0.0/17 (prefix length must be 0-32)')
    const both = await rejection(service.preview({ node: MOCK_N0, group: 'compute', networks: {}, request: REQUEST }))
    expect(both.message).toBe('validation failed: networks cannot be combined with group or template')
  })
})
