import { describe, expect, it } from 'vitest'
import type { InventoryNode } from '../ports/inventory.js'
import { MOCK_NODE_FIXTURES } from '../testing/fixtures.js'
import { buildNetworkConfig } from './network-config.js'

describe('buildNetworkConfig (NC-15)', () => {
  it('renders one physical item per NIC with a /24 static subnet', () => {
    expect(buildNetworkConfig(MOCK_NODE_FIXTURES[0]!)).toBe(
      [
        'version: 1',
        'config:',
        '  - type: physical',
        '    name: eth0',
        '    mac_address: b4:2e:99:be:1a:6d',
        '    description: Node Management Network',
        '    subnets:',
        '      - type: static',
        '        address: 10.252.0.26/24',
        '  - type: physical',
        '    name: eth1',
        '    mac_address: b4:2e:99:be:1a:6e',
        '    description: High Speed Network',
        '    subnets:',
        '      - type: static',
        '        address: 10.100.0.26/24',
        '',
      ].join('\n'),
    )
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
