// The real inventories under core's NoCloud service: the mock must give the SPEC goldens, and nodes from the
// fake SMD must come out as the acceptance cases say (the HTTP layer is adapter-http's to test).
import { describe, expect, it } from 'vitest'
import { createNoCloudService, type Inventory } from '@metadata-service/core'
import {
  GOLDEN_META_DATA,
  GOLDEN_NETWORK_CONFIG,
  GOLDEN_VENDOR_DATA,
  QUICKSTART_CLUSTER_DEFAULTS,
  QUICKSTART_GROUP_COMPUTE,
  QUICKSTART_GROUP_GREEN,
  createMemoryStore,
  createRecordingLogger,
  storedResource,
} from '@metadata-service/core/testing'
import { parse } from 'yaml'
import { createMockInventory } from '../src/index.js'
import type { FakeNode } from '../src/testing/index.js'
import { rig } from './_setup.js'

const REQUEST = { host: 'localhost:8888', proto: 'http' }
const group = (name: string, uid: number, spec: { template: string; description?: string; metaData?: Record<string, string> }) =>
  storedResource('Group', { metadata: { name }, spec }, { uid: `group-${String(uid).padStart(8, '0')}` })

function service(inventory: Inventory, resources: Parameters<typeof createMemoryStore>[0]) {
  return createNoCloudService({ inventory, store: createMemoryStore(resources), logger: createRecordingLogger() })
}

describe('NoCloud documents from the adapter-smd inventories', () => {
  it('the mock gives the NC-12 golden meta-data, vendor-data and network-config (SMD-15, AT-1, AT-7, AT-15)', async () => {
    const svc = service(createMockInventory(), [
      storedResource('ClusterDefaults', QUICKSTART_CLUSTER_DEFAULTS),
      storedResource('Group', QUICKSTART_GROUP_COMPUTE, { uid: 'group-00000001' }),
      storedResource('Group', QUICKSTART_GROUP_GREEN, { uid: 'group-00000002' }),
    ])
    const n0 = await svc.resolveNode('10.252.0.26')
    // YAML is compared parsed (SPEC §0); the golden uses flow style.
    expect(parse((await svc.metaData(n0, REQUEST)).body)).toEqual(parse(GOLDEN_META_DATA))
    expect((await svc.vendorData(n0, REQUEST)).body).toBe(GOLDEN_VENDOR_DATA)
    expect(parse((await svc.networkConfig(n0)).body)).toEqual(parse(GOLDEN_NETWORK_CONFIG))
    // HSN address resolves to the same node (AT-21).
    expect((await svc.resolveNode('10.100.0.26')).xname).toBe('x1000c0s0b0n0')
  })

  it('lists every membership in meta-data but only templated groups in vendor-data (AT-9)', async () => {
    const node: FakeNode = {
      xname: 'x3000c0s1b0n0',
      nid: 7,
      groups: ['compute', 'empty-group', 'storage'],
      interfaces: [{ mac: 'de:ad:be:ef:00:01', ips: [{ ip: '10.252.1.7', network: 'HMN' }] }],
    }
    const { inventory } = await rig({ nodes: [node] })
    await inventory.syncNow()
    const svc = service(inventory, [
      group('compute', 1, { description: 'Compute nodes', template: '#cloud-config\n' }),
      group('empty-group', 2, { description: 'Nothing to render', template: '' }),
      group('storage', 3, { template: '#cloud-config\nrole: storage\n' }),
    ])
    const n = await svc.resolveNode('10.252.1.7')
    const meta = parse((await svc.metaData(n, REQUEST)).body) as { instance_data: { v1: { vendor_data: Record<string, unknown> } } }
    expect(Object.keys(meta.instance_data.v1.vendor_data.groups as object)).toEqual(['compute', 'empty-group', 'storage'])
    expect(meta.instance_data.v1.vendor_data.role).toBe('Compute')
    expect((await svc.vendorData(n, REQUEST)).body).toBe(
      '#include\nhttp://localhost:8888/compute.yaml\nhttp://localhost:8888/storage.yaml\n',
    )
  })

  it('gives a node without groups `#include\\n` and one without NICs the minimal network-config (AT-10, AT-15)', async () => {
    const { inventory } = await rig({
      nodes: [{ xname: 'x1', nid: 1, nicField: 'none', interfaces: [{ mac: 'aa:bb', ips: [{ ip: '10.9.0.1', network: 'HMN' }] }] }],
    })
    await inventory.syncNow()
    const svc = service(inventory, [])
    const n = await svc.resolveNode('10.9.0.1')
    expect((await svc.vendorData(n, REQUEST)).body).toBe('#include\n')
    expect((await svc.networkConfig(n)).body).toBe('version: 1\nconfig: []\n')
  })

  it('renders per-rack values through group paths (AT-17)', async () => {
    const { inventory } = await rig({
      nodes: [
        { xname: 'x1000c0s0b0n0', nid: 1, groups: ['syslog-ng', 'rack1'], interfaces: [{ mac: 'aa:00', ips: [{ ip: '10.0.0.100', network: 'HMN' }] }] },
        { xname: 'x1000c0s0b0n1', nid: 2, groups: ['syslog-ng', 'rack2'], interfaces: [{ mac: 'aa:01', ips: [{ ip: '10.0.0.101', network: 'HMN' }] }] },
      ],
    })
    await inventory.syncNow()
    const template =
      '#cloud-config\nfwd: "{{#vendor_data.groups.rack1}}{{syslog_forwarder}}{{/vendor_data.groups.rack1}}{{#vendor_data.groups.rack2}}{{syslog_forwarder}}{{/vendor_data.groups.rack2}}"\n'
    const svc = service(inventory, [
      group('syslog-ng', 1, { template }),
      group('rack1', 2, { template: '', metaData: { syslog_forwarder: 'syslog.rack1.local' } }),
      group('rack2', 3, { template: '', metaData: { syslog_forwarder: 'syslog.rack2.local' } }),
    ])
    const n0 = await svc.resolveNode('10.0.0.100')
    const n1 = await svc.resolveNode('10.0.0.101')
    expect((await svc.groupDocument(n0, 'syslog-ng', REQUEST)).body).toBe('#cloud-config\nfwd: "syslog.rack1.local"\n')
    expect((await svc.groupDocument(n1, 'syslog-ng', REQUEST)).body).toBe('#cloud-config\nfwd: "syslog.rack2.local"\n')
    expect((await svc.vendorData(n0, REQUEST)).body).toBe('#include\nhttp://localhost:8888/syslog-ng.yaml\n')
  })
})
