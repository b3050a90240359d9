import { describe, expect, it } from 'vitest'
import type { Networks } from '../../src/domain/network-definitions.js'
import { mergeNetworks } from '../../src/networks/merge.js'
import { planNetworks } from '../../src/networks/plan.js'

// Issue 14: the rules a network definition must follow, each message naming the field (RES-9 style).

const messages = (networks: Networks) => planNetworks(networks).problems.map((p) => p.message)

describe('planNetworks (issue 14)', () => {
  it('parses a typical cluster without problems', () => {
    const plan = planNetworks({
      HMN: {
        ipv4: { subnet: '10.252.0.0/17', gateway: '10.252.0.1' },
        ipv6: { subnet: 'fd00:0:0:252::/64', gateway: 'fd00:0:0:252::1' },
        dns_nameservers: ['10.252.0.2', 'FD00:0:0:252::2'],
        dns_search: ['hmn.example.org', 'example.org.'],
        routes: [{ to: '10.254.0.0/17', via: '10.252.0.3', metric: 10 }],
        default_route: true,
      },
      HSN: { ipv4: { subnet: '10.100.0.0/16' }, mtu: 9000 },
    })
    expect(plan.problems).toEqual([])
    expect(plan.defaultRoute).toBe('hmn')
    expect([...plan.networks.keys()]).toEqual(['hmn', 'hsn'])
    expect(plan.networks.get('hmn')).toMatchObject({ name: 'HMN', dnsNameservers: ['10.252.0.2', 'fd00:0:0:252::2'] })
    expect(plan.networks.get('hsn')?.mtu).toBe(9000)
  })

  it('refuses bad CIDRs, wrong families and host bits, naming the field', () => {
    expect(
      messages({
        A: { ipv4: { subnet: '10.0.0.0' } },
        B: { ipv4: { subnet: '10.0.0.0/33' } },
        C: { ipv4: { subnet: 'fd00::/64' } },
        D: { ipv6: { subnet: '10.3.0.0/16' } },
        E: { ipv4: { subnet: '10.4.0.5/16' } },
        F: { ipv4: { gateway: '10.5.0.1' } },
      }),
    ).toEqual([
      'networks.A.ipv4.subnet must be a CIDR such as 10.252.0.0/17 (missing "/<prefix length>")',
      'networks.B.ipv4.subnet must be a CIDR such as 10.252.0.0/17 (prefix length must be 0-32)',
      'networks.C.ipv4.subnet must be an IPv4 CIDR such as 10.252.0.0/17, not fd00::/64',
      'networks.D.ipv6.subnet must be an IPv6 CIDR such as fd00:0:0:252::/64, not 10.3.0.0/16',
      'networks.E.ipv4.subnet must be a network address without host bits: 10.4.0.0/16, not 10.4.0.5/16',
      'networks.F.ipv4.subnet is required',
    ])
  })

  it('refuses a gateway outside its subnet, of the other family, or the network or broadcast address', () => {
    expect(
      messages({
        A: { ipv4: { subnet: '10.1.0.0/16', gateway: '10.2.0.1' } },
        B: { ipv4: { subnet: '10.2.0.0/16', gateway: 'fd00::1' } },
        C: { ipv4: { subnet: '10.3.0.0/16', gateway: '10.3.0.0' } },
        D: { ipv4: { subnet: '10.4.0.0/16', gateway: '10.4.255.255' } },
        E: { ipv6: { subnet: 'fd00::/64', gateway: 'fd01::1' } },
      }),
    ).toEqual([
      'networks.A.ipv4.gateway must be inside networks.A.ipv4.subnet (10.1.0.0/16)',
      'networks.B.ipv4.gateway must be an IPv4 address',
      'networks.C.ipv4.gateway must be a host address, not the network or broadcast address of 10.3.0.0/16',
      'networks.D.ipv4.gateway must be a host address, not the network or broadcast address of 10.4.0.0/16',
      'networks.E.ipv6.gateway must be inside networks.E.ipv6.subnet (fd00::/64)',
    ])
  })

  it('refuses overlapping subnets of one family across networks, on the later network', () => {
    expect(
      messages({
        HMN: { ipv4: { subnet: '10.252.0.0/17' }, ipv6: { subnet: 'fd00::/48' } },
        NMN: { ipv4: { subnet: '10.252.64.0/18' } },
        HSN: { ipv4: { subnet: '10.0.0.0/8' }, ipv6: { subnet: 'fd00:0:0:1::/64' } },
        CAN: { ipv4: { subnet: '10.253.0.0/17' } },
      }),
    ).toEqual([
      'networks.NMN.ipv4.subnet (10.252.64.0/18) must not overlap networks.HMN.ipv4.subnet (10.252.0.0/17)',
      'networks.HSN.ipv4.subnet (10.0.0.0/8) must not overlap networks.HMN.ipv4.subnet (10.252.0.0/17)',
      'networks.HSN.ipv4.subnet (10.0.0.0/8) must not overlap networks.NMN.ipv4.subnet (10.252.64.0/18)',
      'networks.HSN.ipv6.subnet (fd00:0:0:1::/64) must not overlap networks.HMN.ipv6.subnet (fd00::/48)',
      'networks.CAN.ipv4.subnet (10.253.0.0/17) must not overlap networks.HSN.ipv4.subnet (10.0.0.0/8)',
    ])
  })

  it('refuses a bad MTU', () => {
    expect(
      messages({
        A: { mtu: 67 },
        B: { mtu: 65_536 },
        C: { mtu: 1280, ipv6: { subnet: 'fd00:c::/64' } },
        D: { mtu: 1279, ipv6: { subnet: 'fd00:d::/64' } },
      }),
    ).toEqual([
      'networks.A.mtu must be between 68 and 65535',
      'networks.B.mtu must be between 68 and 65535',
      'networks.D.mtu must be at least 1280 on a network with networks.D.ipv6 (the IPv6 minimum)',
    ])
  })

  it('refuses more than one default-route network, and a default route without a gateway', () => {
    const gw = (n: number) => ({ ipv4: { subnet: `10.${n}.0.0/16`, gateway: `10.${n}.0.1` }, default_route: true })
    const plan = planNetworks({ HMN: gw(1), HSN: gw(2), NMN: gw(3) })
    expect(plan.defaultRoute).toBeUndefined()
    expect(plan.problems.map((p) => p.message)).toEqual([
      'networks.HSN.default_route must be true on one network only, and networks.HMN has it',
      'networks.NMN.default_route must be true on one network only, and networks.HMN has it',
    ])
    expect(messages({ HMN: { ipv4: { subnet: '10.1.0.0/16' }, default_route: true }, HSN: { default_route: false } })).toEqual([
      'networks.HMN.default_route needs networks.HMN.ipv4.gateway or networks.HMN.ipv6.gateway',
    ])
  })

  it('checks DNS, routes and names', () => {
    expect(
      messages({
        HMN: {
          ipv4: { subnet: '10.252.0.0/17' },
          dns_nameservers: ['10.252.0.2', 'ns1', '10.252.0.4', '10.252.0.5'],
          dns_search: ['ok.example', 'not a domain'],
          routes: [
            { to: '0.0.0.0/0', via: '10.252.0.1' },
            { to: '10.254.0.0/17', via: '10.100.0.1' },
            { to: '10.254.0.0/17' },
            { to: 'fd00:1::/64', via: 'fd00::1' },
            { to: '10.253.0.0/17', via: '10.252.0.9', metric: -1 },
            { to: '10.253.0.5/17', via: '10.252.0.9' },
          ],
        },
        hmn: { mtu: 9000 },
        'HSN 2': {},
      }),
    ).toEqual([
      'networks.HMN.dns_nameservers must list at most 3 servers (resolv.conf uses no more)',
      'networks.HMN.dns_nameservers[1] must be an IP address',
      'networks.HMN.dns_search[1] must be a domain name such as cluster.example.org',
      'networks.HMN.routes[0].to must not be a default route: set networks.HMN.default_route instead',
      'networks.HMN.routes[1].via must be inside networks.HMN.ipv4.subnet (10.252.0.0/17)',
      'networks.HMN.routes[2].via is required: networks.HMN.ipv4 has no gateway',
      'networks.HMN.routes[3] needs networks.HMN.ipv6.subnet: its next hop must be on the network',
      'networks.HMN.routes[4].metric must be between 0 and 4294967295',
      'networks.HMN.routes[5].to must be a network address without host bits: 10.253.0.0/17, not 10.253.0.5/17',
      'networks.hmn must not repeat networks.HMN: network names match case-insensitively',
      `networks names must be letters, digits, '-', '_', '.' or ':', not "HSN 2"`,
    ])
  })

  it('keeps what is usable when a part breaks a rule (render time)', () => {
    const plan = planNetworks({ HMN: { ipv4: { subnet: '10.252.0.0/17', gateway: '10.9.0.1' }, mtu: 9, routes: [{ to: 'x' }] } })
    expect(plan.networks.get('hmn')).toEqual({ name: 'HMN', ipv4: { subnet: expect.objectContaining({ text: '10.252.0.0/17' }) }, dnsNameservers: [], dnsSearch: [], routes: [] })
  })
})

describe('mergeNetworks (InstanceInfo over ClusterDefaults)', () => {
  const cluster: Networks = {
    HMN: { ipv4: { subnet: '10.252.0.0/17', gateway: '10.252.0.1' }, dns_search: ['a.example'], default_route: true },
    HSN: { ipv4: { subnet: '10.100.0.0/16', gateway: '10.100.0.1' }, mtu: 9000 },
  }

  it('is undefined without any definition, and the cluster when the node has none', () => {
    expect(mergeNetworks(undefined, undefined)).toBeUndefined()
    expect(mergeNetworks({}, {})).toBeUndefined()
    expect(mergeNetworks(cluster, {})).toBe(cluster)
  })

  it('merges a network key by key (names case-insensitive), replaces lists, adds new networks', () => {
    expect(mergeNetworks(cluster, { hmn: { ipv4: { gateway: '10.252.0.254' }, dns_search: ['b.example'] }, NMN: { mtu: 1500 } })).toEqual({
      HSN: cluster.HSN,
      hmn: { ipv4: { subnet: '10.252.0.0/17', gateway: '10.252.0.254' }, dns_search: ['b.example'], default_route: true },
      NMN: { mtu: 1500 },
    })
  })

  it('moves the default route to the network the node marks', () => {
    const merged = mergeNetworks(cluster, { HSN: { default_route: true } })!
    expect(merged.HMN!.default_route).toBe(false)
    expect(merged.HSN!.default_route).toBe(true)
    expect(planNetworks(merged).defaultRoute).toBe('hsn')
    expect(cluster.HMN!.default_route).toBe(true) // the cluster's object is not changed
  })
})
