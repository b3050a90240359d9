import { describe, expect, it } from 'vitest'
import type { Networks } from '../../src/domain/network-definitions.js'
import { planNetworks } from '../../src/networks/plan.js'
import type { InventoryNode } from '../../src/ports/inventory.js'
import { MOCK_NODE_FIXTURES } from '../../src/testing/fixtures.js'
import { GOLDEN_NETWORK_CONFIG } from '../../src/testing/goldens.js'
import { buildNetworkConfig, buildNetworkConfigDocument } from '../../src/nocloud/network-config.js'
import { describeNetworkConfigNote } from '../../src/nocloud/network-config-notes.js'

// Issue 14 / SPEC §16 NC-15: network-config v1 from the operator's network definitions.

/** A node whose NIC i has MAC `02:00:00:00:00:0<i>` and the given `[ip, network]` pairs. */
function nodeWith(...nics: (readonly (readonly [string, string])[])[]): InventoryNode {
  const mac = (i: number) => `02:00:00:00:00:0${i}`
  return {
    xname: 'x3000c0s1b0n0',
    nid: 7,
    role: 'Compute',
    groups: [],
    interfaces: nics.map((ips, i) => ({
      id: mac(i).replaceAll(':', ''),
      description: '',
      mac: mac(i),
      type: 'Node',
      ipAddresses: ips.map(([ip, network]) => ({ ip, network })),
    })),
    nics: nics.map((_, i) => ({ redfishId: String(i + 1), description: `nic ${i}`, mac: mac(i), permanentMac: mac(i), enabled: true })),
  }
}

const HMN: Networks = { HMN: { ipv4: { subnet: '10.252.0.0/17', gateway: '10.252.0.1' }, default_route: true } }

function build(node: InventoryNode, networks: Networks) {
  const doc = buildNetworkConfigDocument(node, planNetworks(networks))
  return { ...doc, lines: doc.notes.map(describeNetworkConfigNote) }
}

describe('network-config from network definitions (issue 14)', () => {
  it('/17 with gateway: the prefix of the subnet, the gateway of the default-route network, matched case-insensitively', () => {
    const doc = build(nodeWith([['10.252.100.26', 'hmn']]), HMN)
    expect(doc.body).toBe(
      'version: 1\nconfig:\n  - type: physical\n    name: eth0\n    mac_address: "02:00:00:00:00:00"\n    description: nic 0\n' +
        '    subnets:\n      - type: static\n        address: 10.252.100.26/17\n        gateway: 10.252.0.1\n',
    )
    expect(doc.addresses).toEqual({ defined: 1, guessed: 0, leftOut: 0 })
    expect(doc.notes).toEqual([])
  })

  it('two addresses on one NIC: both written, each with its own network prefix, the gateway once', () => {
    const networks: Networks = { ...HMN, NMN: { ipv4: { subnet: '10.1.0.0/16' } } }
    const doc = build(nodeWith([['10.252.0.26', 'HMN'], ['10.1.0.26', 'NMN'], ['10.252.0.126', 'HMN']]), networks)
    expect(doc.body).toContain(
      '    subnets:\n      - type: static\n        address: 10.252.0.26/17\n        gateway: 10.252.0.1\n' +
        '      - type: static\n        address: 10.1.0.26/16\n      - type: static\n        address: 10.252.0.126/17\n',
    )
    expect(doc.addresses).toEqual({ defined: 3, guessed: 0, leftOut: 0 })
  })

  it('IPv6 only: static6 with the subnet prefix and the IPv6 gateway, canonical text', () => {
    const networks: Networks = { HMN: { ipv6: { subnet: 'fd00:0:0:252::/64', gateway: 'fd00:0:0:252::1' }, default_route: true } }
    const doc = build(nodeWith([['FD00:0000:0000:0252:0000:0000:0000:0026', 'HMN']]), networks)
    expect(doc.body).toContain('      - type: static6\n        address: fd00:0:0:252::26/64\n        gateway: fd00:0:0:252::1\n')
    expect(doc.addresses).toEqual({ defined: 1, guessed: 0, leftOut: 0 })
  })

  it('dual stack: an IPv4 and an IPv6 address on one NIC, each family with its prefix and gateway', () => {
    const networks: Networks = {
      HMN: { ipv4: { subnet: '10.252.0.0/17', gateway: '10.252.0.1' }, ipv6: { subnet: 'fd00:252::/64', gateway: 'fd00:252::1' }, default_route: true },
    }
    const doc = build(nodeWith([['10.252.0.26', 'HMN'], ['fd00:252::26', 'HMN']]), networks)
    expect(doc.body).toContain(
      '      - type: static\n        address: 10.252.0.26/17\n        gateway: 10.252.0.1\n' +
        '      - type: static6\n        address: fd00:252::26/64\n        gateway: fd00:252::1\n',
    )
  })

  it('MTU on the physical entry; networks disagreeing on one interface get the smallest, with a note', () => {
    const networks: Networks = { ...HMN, HSN: { ipv4: { subnet: '10.100.0.0/16' }, mtu: 9000 }, NMN: { mtu: 1500 } }
    const doc = build(nodeWith([['10.252.0.26', 'HMN']], [['10.100.0.26', 'HSN']], [['10.100.1.26', 'HSN'], ['10.1.0.26', 'NMN']]), networks)
    expect(doc.body).toContain('    name: eth1\n    mac_address: "02:00:00:00:00:01"\n    description: nic 1\n    mtu: 9000\n    subnets:\n')
    expect(doc.body).toContain('    name: eth2\n    mac_address: "02:00:00:00:00:02"\n    description: nic 2\n    mtu: 1500\n')
    expect(doc.body).not.toMatch(/name: eth0\n.*\n.*\n {4}mtu/)
    expect(doc.lines).toContain('eth2: MTU 9000 of HSN not used: NMN on the same interface has 1500')
  })

  it('routes: on the first address of their family in the network, next hop explicit or the gateway; DNS once', () => {
    const networks: Networks = {
      HMN: {
        ...HMN.HMN,
        dns_nameservers: ['10.252.0.2'],
        dns_search: ['hmn.example.org'],
        routes: [{ to: '10.254.0.0/17', via: '10.252.0.3', metric: 100 }, { to: '10.92.100.0/24' }],
      },
    }
    const doc = build(nodeWith([['10.252.0.26', 'HMN'], ['10.252.0.27', 'HMN']]), networks)
    expect(doc.body).toContain(
      '      - type: static\n        address: 10.252.0.26/17\n        gateway: 10.252.0.1\n' +
        '        dns_nameservers:\n          - 10.252.0.2\n        dns_search:\n          - hmn.example.org\n' +
        '        routes:\n          - network: 10.254.0.0\n            prefix: 17\n            gateway: 10.252.0.3\n            metric: 100\n' +
        '          - network: 10.92.100.0\n            prefix: 24\n            gateway: 10.252.0.1\n' +
        '      - type: static\n        address: 10.252.0.27/17\n',
    )
  })

  it('a network without a definition keeps the /24 guess (IPv6: /64), counted and noted', () => {
    const doc = build(nodeWith([['10.252.0.26', 'HMN']], [['10.100.0.26', 'HSN'], ['fd00:100::26', 'HSN']], [['10.9.0.1', '']]), HMN)
    expect(doc.body).toContain('      - type: static\n        address: 10.100.0.26/24\n      - type: static6\n        address: fd00:100::26/64\n')
    expect(doc.body).toContain('        address: 10.9.0.1/24\n')
    expect(doc.addresses).toEqual({ defined: 1, guessed: 3, leftOut: 0 })
    expect(doc.lines).toEqual([
      'eth1 10.100.0.26 (HSN): prefix /24 guessed: no definition for network HSN',
      'eth1 fd00:100::26 (HSN): prefix /64 guessed: no definition for network HSN',
      'eth2 10.9.0.1: prefix /24 guessed: SMD names no network for it',
    ])
    // A family the network does not define is guessed too.
    expect(build(nodeWith([['fd00::26', 'HMN']]), HMN).lines).toEqual([
      'eth0 fd00::26 (HMN): prefix /64 guessed: no ipv6.subnet is defined for network HMN',
      'default route via 10.252.0.1 not written: no ipv4 address on HMN',
    ])
  })

  it('an address outside its subnet is left out with the reason, never written with a wrong prefix', () => {
    const doc = build(nodeWith([['10.254.0.26', 'HMN'], ['10.252.0.26', 'HMN']], [['not-an-ip', 'HMN']]), HMN)
    expect(doc.body).not.toContain('10.254.0.26')
    expect(doc.body).not.toContain('not-an-ip')
    expect(doc.body).toContain('      - type: static\n        address: 10.252.0.26/17\n        gateway: 10.252.0.1\n')
    expect(doc.addresses).toEqual({ defined: 1, guessed: 0, leftOut: 2 })
    expect(doc.lines).toEqual([
      "eth0 10.254.0.26 (HMN): left out: outside HMN's IPv4 subnet 10.252.0.0/17",
      'eth1 not-an-ip (HMN): left out: not an IP address',
    ])
    expect(doc.body).toContain('    name: eth1\n    mac_address: "02:00:00:00:00:01"\n    description: nic 1\n')
    expect(doc.body).not.toMatch(/name: eth1\n(.*\n){3} {4}subnets/)
  })

  it('definitions that contradict each other are not used, and never cost the node its addresses', () => {
    // Two default routes: no gateway at all rather than a guess; the addresses keep their prefixes.
    const networks = {
      HMN: { ipv4: { subnet: '10.252.0.0/17', gateway: '10.252.0.1' }, default_route: true },
      HSN: { ipv4: { subnet: '10.100.0.0/16', gateway: '10.100.0.1' }, default_route: true, mtu: 40 },
    }
    const doc = build(nodeWith([['10.252.0.26', 'HMN']], [['10.100.0.26', 'HSN']]), networks)
    expect(doc.body).not.toContain('gateway')
    expect(doc.body).not.toContain('mtu')
    expect(doc.body).toContain('address: 10.252.0.26/17\n')
    expect(doc.body).toContain('address: 10.100.0.26/16\n')
    expect(doc.lines).toEqual([
      'networks.HSN.mtu must be between 68 and 65535',
      'networks.HSN.default_route must be true on one network only, and networks.HMN has it',
    ])
    // A gateway that is the node's own address is not a route.
    expect(build(nodeWith([['10.252.0.1', 'HMN']]), HMN).lines).toEqual(['eth0: default route via 10.252.0.1 not written: it is this node\'s own address'])
  })

  it('without definitions: exactly NC-15 (byte for byte), each written address counted as guessed', () => {
    const n0 = MOCK_NODE_FIXTURES[0]!
    const doc = buildNetworkConfigDocument(n0, undefined)
    expect(doc.body).toBe(GOLDEN_NETWORK_CONFIG)
    expect(doc.body).toBe(buildNetworkConfig(n0))
    expect(doc).toMatchObject({ fromDefinitions: false, addresses: { defined: 0, guessed: 2, leftOut: 0 } })
    // A second address of an interface was never written by NC-15, and still is not.
    const two = nodeWith([['10.252.0.26', 'HMN'], ['10.1.0.26', 'NMN']])
    expect(buildNetworkConfigDocument(two, undefined).body).toContain('address: 10.252.0.26/24\n')
    expect(buildNetworkConfigDocument(two, undefined).body).not.toContain('10.1.0.26')
    expect(buildNetworkConfigDocument(two, undefined).notes.map(describeNetworkConfigNote)).toEqual([
      'eth0 10.252.0.26 (HMN): prefix /24 guessed: no network definitions',
      'eth0 10.1.0.26 (NMN): left out: only the first address of an interface is written without network definitions',
    ])
  })
})
