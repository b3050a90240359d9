import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import type { GroupSpec } from '../../src/domain/group.js'
import type { InventoryNode } from '../../src/ports/inventory.js'
import { K1, K2, MOCK_NODE_FIXTURES, QUICKSTART_CLUSTER_DEFAULTS, QUICKSTART_GROUP_COMPUTE, QUICKSTART_GROUP_GREEN } from '../../src/testing/fixtures.js'
import { GOLDEN_META_DATA as GOLDEN } from '../../src/testing/goldens.js'
import { buildMetaData, renderMetaData } from '../../src/nocloud/meta-data.js'

const n0 = MOCK_NODE_FIXTURES[0]!
const quickstartGroups: Record<string, GroupSpec> = {
  compute: QUICKSTART_GROUP_COMPUTE.spec,
  green: QUICKSTART_GROUP_GREEN.spec,
}
const noGroups = () => undefined

describe('buildMetaData / renderMetaData (NC-5, NC-12)', () => {
  it('matches the NC-12 golden, keys in order', () => {
    const doc = buildMetaData({ node: n0, clusterDefaults: QUICKSTART_CLUSTER_DEFAULTS.spec, groupSpec: (l) => quickstartGroups[l] })
    const text = renderMetaData(doc)
    expect(parse(text)).toEqual(parse(GOLDEN))
    expect(text).toContain('version: "1.0"\n')
    // toEqual ignores key order; NC-12 fixes it.
    expect(JSON.stringify(parse(text))).toBe(JSON.stringify(parse(GOLDEN)))
  })

  it('without resources: NID hostnames quoted, empty cluster-name, empty groups, no base URL (AT-2)', () => {
    const text = renderMetaData(buildMetaData({ node: n0, groupSpec: noGroups }))
    expect(text).toContain('hostname: "1000"\n')
    expect(text).toContain('local-hostname: "1000"\n')
    expect(text).toContain('cluster-name: ""\n')
    const doc = parse(text)
    expect(doc.hostname).toBe('1000')
    expect(doc['cluster-name']).toBe('')
    expect(doc.instance_data.v1.vendor_data.groups).toEqual({ compute: {}, green: {} })
    expect(doc.instance_data.v1.vendor_data).not.toHaveProperty('cloud_init_base_url')
    expect(doc.instance_data.v1.vendor_data).not.toHaveProperty('cluster_name')
    expect(doc.instance_data.v1).not.toHaveProperty('public_keys')
    expect(doc.instance_data.v1).not.toHaveProperty('region')
  })

  it('uses public_url as the last base URL fallback', () => {
    const doc = buildMetaData({ node: n0, groupSpec: noGroups, publicUrl: 'https://m.example/ci/' })
    expect(doc.instance_data.v1.vendor_data.cloud_init_base_url).toBe('https://m.example/ci')
  })

  it('applies InstanceInfo overrides and lists ClusterDefaults keys first, without de-duplication', () => {
    const doc = buildMetaData({
      node: n0,
      clusterDefaults: QUICKSTART_CLUSTER_DEFAULTS.spec,
      instanceInfo: { instance_id: 'i-1', hostname: 'custom', public_keys: [K2, K1], cloud_init_base_url: 'http://ii/' },
      groupSpec: noGroups,
    })
    expect(doc['instance-id']).toBe('i-1')
    expect(doc.hostname).toBe('custom')
    expect(doc['local-hostname']).toBe('tc1000')
    expect(doc.instance_data.v1).toMatchObject({ instance_id: 'i-1', hostname: 'custom', local_hostname: 'tc1000' })
    expect(doc.instance_data.v1.public_keys).toEqual([K1, K2, K1])
    expect(doc.instance_data.v1.vendor_data.cloud_init_base_url).toBe('http://ii')
  })

  it('omits nid 0, empty role and MAC, interfaces without NICs, groups without (readable) memberships', () => {
    const bare: InventoryNode = { xname: 'x9', nid: 0, role: '', groups: undefined, interfaces: n0.interfaces, nics: [] }
    const doc = buildMetaData({ node: bare, groupSpec: noGroups })
    expect(doc.instance_data.v1.vendor_data).toEqual({ version: '1.0', mac: 'b4:2e:99:be:1a:6d' })
    expect(doc.hostname).toBe('0000')
    expect(doc.instance_data.v1.local_ipv4).toBe('10.252.0.26')
    const none = buildMetaData({ node: { ...bare, groups: [], interfaces: [] }, groupSpec: noGroups })
    expect(none.instance_data.v1.vendor_data).toEqual({ version: '1.0' })
    expect(none.instance_data.v1).not.toHaveProperty('local_ipv4')
  })

  it('quotes strings a YAML 1.1 reader would retype (NC-11)', () => {
    const odd: InventoryNode = { ...n0, role: 'yes', nics: [], groups: [] }
    const text = renderMetaData(buildMetaData({ node: odd, groupSpec: noGroups, clusterDefaults: { base_url: 'http://x', cluster_name: '1.5', short_name: 'on' } }))
    expect(text).toContain('role: "yes"\n')
    expect(text).toContain('cluster-name: "1.5"\n')
    expect(text).toContain('hostname: on1000\n')
  })
})
