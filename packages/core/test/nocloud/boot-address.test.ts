import { describe, expect, it } from 'vitest'
import type { InventoryNode } from '../../src/ports/inventory.js'
import { MOCK_NODE_FIXTURES } from '../../src/testing/fixtures.js'
import { bootAddress } from '../../src/nocloud/boot-address.js'

const node = (interfaces: InventoryNode['interfaces'], extra: Partial<InventoryNode> = {}): InventoryNode => ({
  xname: 'x1',
  nid: 1,
  role: 'compute',
  groups: [],
  interfaces,
  nics: [],
  ...extra,
})
const iface = (mac: string, ips: [string, string][]) => ({
  id: mac,
  description: '',
  mac,
  type: 'Node',
  ipAddresses: ips.map(([ip, network]) => ({ ip, network })),
})

describe('bootAddress (NC-8)', () => {
  it('takes the HMN address of the mock n0', () => {
    expect(bootAddress(MOCK_NODE_FIXTURES[0]!)).toEqual({ ip: '10.252.0.26', mac: 'b4:2e:99:be:1a:6d' })
  })

  it('prefers HMN (any case) over an earlier address', () => {
    const n = node([iface('aa', [['10.100.0.1', 'HSN']]), iface('bb', [['', 'HMN'], ['10.252.0.1', 'hmn']])])
    expect(bootAddress(n)).toEqual({ ip: '10.252.0.1', mac: 'bb' })
  })

  it('falls back to the first non-empty address with its MAC', () => {
    const n = node([iface('aa', [['', 'HSN']]), iface('bb', [['10.1.0.1', '']]), iface('cc', [['10.2.0.1', 'NMN']])])
    expect(bootAddress(n)).toEqual({ ip: '10.1.0.1', mac: 'bb' })
  })

  it('falls back to the component address, then to nothing', () => {
    expect(bootAddress(node([], { componentIp: '10.9.0.1', componentMac: 'cc' }))).toEqual({ ip: '10.9.0.1', mac: 'cc' })
    expect(bootAddress(node([iface('dd', [])]))).toEqual({})
  })
})
