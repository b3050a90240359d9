import { describe, expect, it } from 'vitest'
import type { InventoryNode } from '../../src/ports/inventory.js'
import { MOCK_NODE_FIXTURES } from '../../src/testing/fixtures.js'
import { GOLDEN_NETWORK_CONFIG } from '../../src/testing/goldens.js'
import { buildNetworkConfig } from '../../src/nocloud/network-config.js'

describe('buildNetworkConfig (NC-15)', () => {
  it('renders one physical item per NIC with a /24 static subnet', () => {
    expect(buildNetworkConfig(MOCK_NODE_FIXTURES[0]!)).toBe(GOLDEN_NETWORK_CONFIG)
  })

  it('omits subnets for a NIC without an IP', () => {
    const node: InventoryNode = {
      ...MOCK_NODE_FIXTURES[2]!,
      nics: [...MOCK_NODE_FIXTURES[2]!.nics, { redfishId: '9', description: 'spare', mac: '12:34:56:12:34:56', permanentMac: '', enabled: false }],
    }
    expect(buildNetworkConfig(node)).toContain(
      '  - type: physical\n    name: eth1\n    mac_address: "12:34:56:12:34:56"\n    description: spare\n',
    )
    expect(buildNetworkConfig(node).match(/subnets/g)).toHaveLength(1)
  })

  it('is exactly the minimal body without NICs or without interfaces', () => {
    const n0 = MOCK_NODE_FIXTURES[0]!
    expect(buildNetworkConfig({ ...n0, nics: [] })).toBe('version: 1\nconfig: []\n')
    expect(buildNetworkConfig({ ...n0, interfaces: [] })).toBe('version: 1\nconfig: []\n')
  })
})
