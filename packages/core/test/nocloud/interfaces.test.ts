import { describe, expect, it } from 'vitest'
import type { InventoryNode } from '../../src/ports/inventory.js'
import { MOCK_NODE_FIXTURES } from '../../src/testing/fixtures.js'
import { buildInterfaces } from '../../src/nocloud/interfaces.js'

describe('buildInterfaces (NC-9)', () => {
  it('gives one sorted entry per NIC of the mock n0', () => {
    const entries = buildInterfaces(MOCK_NODE_FIXTURES[0]!)
    expect(entries).toEqual([
      { description: 'Node Management Network', enabled: true, ip: '10.252.0.26', mac: 'b4:2e:99:be:1a:6d', name: 'eth0', network: 'HMN', redfishid: '1' },
      { description: 'High Speed Network', enabled: true, ip: '10.100.0.26', mac: 'b4:2e:99:be:1a:6e', name: 'eth1', network: 'HSN', redfishid: '2' },
    ])
    expect(Object.keys(entries[0]!)).toEqual(['description', 'enabled', 'ip', 'mac', 'name', 'network', 'redfishid'])
  })

  it('matches MACs case-insensitively, lists several IPs, omits an empty network, keeps NICs without a match', () => {
    const node: InventoryNode = {
      xname: 'x1',
      nid: 1,
      role: '',
      groups: [],
      interfaces: [
        { id: 'a', description: '', mac: 'AA:BB:CC:00:00:01', type: 'Node', ipAddresses: [{ ip: '10.0.0.1', network: '' }, { ip: '10.0.1.1', network: 'NMN' }] },
      ],
      nics: [
        { redfishId: '7', description: 'one', mac: 'aa:bb:cc:00:00:01', permanentMac: '', enabled: false },
        { redfishId: '8', description: 'two', mac: 'aa:bb:cc:00:00:02', permanentMac: '', enabled: true },
      ],
    }
    const entries = buildInterfaces(node)
    expect(entries).toEqual([
      {
        description: 'one',
        enabled: false,
        ip: '10.0.0.1',
        ip_addresses: [
          { ip: '10.0.0.1', network: '' },
          { ip: '10.0.1.1', network: 'NMN' },
        ],
        mac: 'aa:bb:cc:00:00:01',
        name: 'eth0',
        redfishid: '7',
      },
      { description: 'two', enabled: true, mac: 'aa:bb:cc:00:00:02', name: 'eth1', redfishid: '8' },
    ])
    expect(Object.keys(entries[0]!)).toEqual(['description', 'enabled', 'ip', 'ip_addresses', 'mac', 'name', 'redfishid'])
  })
})
