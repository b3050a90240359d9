// Node descriptions for the fake SMD, turned into the raw JSON real SMD sends (SMD-5), including its variants:
// NICs under `EthernetNICInfo` or the older `EthNICInfo`, memberships in `groupLabels` or `Groups`, capitalised
// roles, numeric-string NIDs.

/** One IP of a fake interface. */
export interface FakeIp {
  readonly ip: string
  readonly network?: string
}

/** One Ethernet interface (and its NIC, unless `nicField` is `none`). */
export interface FakeInterface {
  readonly mac: string
  readonly ips: readonly FakeIp[]
  /** Default: `Node Management Network` when the first IP is HMN, else `High Speed Network`. */
  readonly description?: string
}

/** A node as the fake SMD should describe it. */
export interface FakeNode {
  readonly xname: string
  /** A number or a numeric string, as SMD may send either; default 0 (the field is then omitted). */
  readonly nid?: number | string
  /** Default `Compute`, capitalised as real SMD sends it. */
  readonly role?: string
  /** Group labels in order; default none. */
  readonly groups?: readonly string[]
  readonly interfaces?: readonly FakeInterface[]
  /** Where the NICs go; default `EthernetNICInfo` (real SMD). `none`: the endpoint has no NICs. */
  readonly nicField?: 'EthernetNICInfo' | 'EthNICInfo' | 'none'
  /** Omit `InterfaceEnabled` from the NICs (it then reads as false). */
  readonly omitInterfaceEnabled?: boolean
  /** Where the membership labels go; default `groupLabels`. */
  readonly membershipField?: 'groupLabels' | 'Groups' | 'GroupLabels'
  /** Component-level `IP` and `MAC`, which fixtures carry and real SMD does not (SMD-5); default none. */
  readonly componentIp?: string
  readonly componentMac?: string
}

/** Raw SMD records; each array holds the JSON objects SMD would send, in SMD order. */
export interface FakeSmdData {
  readonly components: Record<string, unknown>[]
  readonly interfaces: Record<string, unknown>[]
  readonly memberships: Record<string, unknown>[]
  readonly endpoints: Record<string, unknown>[]
}

/** Converts node descriptions to the raw SMD records. */
export function fakeSmdData(nodes: readonly FakeNode[]): FakeSmdData {
  const data: FakeSmdData = { components: [], interfaces: [], memberships: [], endpoints: [] }
  for (const n of nodes) {
    data.components.push({
      ID: n.xname,
      Type: 'Node',
      State: 'Ready',
      Flag: 'OK',
      Enabled: true,
      Role: n.role ?? 'Compute',
      ...(n.nid !== undefined ? { NID: n.nid } : {}),
      NetType: 'Sling',
      Arch: 'X86',
      Class: 'River',
      ...(n.componentIp !== undefined ? { IP: n.componentIp } : {}),
      ...(n.componentMac !== undefined ? { MAC: n.componentMac } : {}),
    })
    const ifaces = n.interfaces ?? []
    const described = ifaces.map((i) => ({
      ...i,
      description: i.description ?? (i.ips[0]?.network === 'HMN' ? 'Node Management Network' : 'High Speed Network'),
    }))
    for (const i of described) {
      data.interfaces.push({
        ID: i.mac.replaceAll(':', ''),
        Description: i.description,
        MACAddress: i.mac,
        LastUpdate: '2025-01-01T00:00:00.000000Z',
        ComponentID: n.xname,
        Type: 'Node',
        IPAddresses: i.ips.map((a) => ({ IPAddress: a.ip, ...(a.network !== undefined ? { Network: a.network } : {}) })),
      })
    }
    data.memberships.push({ id: n.xname, [n.membershipField ?? 'groupLabels']: [...(n.groups ?? [])], partitionName: '' })
    const nics = described.map((i, k) => ({
      RedfishId: String(k + 1),
      '@odata.id': `/redfish/v1/Systems/Node0/EthernetInterfaces/${k + 1}`,
      Description: i.description,
      ...(n.omitInterfaceEnabled ? {} : { InterfaceEnabled: true }),
      MACAddress: i.mac,
      PermanentMACAddress: i.mac,
    }))
    const field = n.nicField ?? 'EthernetNICInfo'
    data.endpoints.push({
      ID: n.xname,
      Type: 'Node',
      Domain: '',
      RedfishType: 'ComputerSystem',
      RedfishSubtype: 'Physical',
      OdataID: '/redfish/v1/Systems/Node0',
      RedfishEndpointID: n.xname.replace(/n\d+$/, ''),
      Enabled: true,
      RedfishSystemInfo: field === 'none' ? { Name: 'Node0' } : { Name: 'Node0', [field]: nics },
    })
  }
  return data
}

/**
 * `count` compute nodes `x1000c<c>s<s>b0n<n>` with NIDs from 1, in groups `compute` and `rack<r>`, each with an
 * HMN interface `10.252.x.y` and an HSN one `10.100.x.y`. `hsnFirst` lists the HSN interface first (the order
 * real SMD often uses), which must not change the node's boot address.
 */
export function generateFakeNodes(count: number, options: { readonly hsnFirst?: boolean } = {}): FakeNode[] {
  const nodes: FakeNode[] = []
  for (let i = 0; i < count; i++) {
    const hi = (i >> 8) & 0xff
    const lo = i & 0xff
    const mac = (net: number) =>
      `02:${net.toString(16).padStart(2, '0')}:${((i >> 16) & 0xff).toString(16).padStart(2, '0')}:${hi.toString(16).padStart(2, '0')}:${lo.toString(16).padStart(2, '0')}:01`
    const hmn: FakeInterface = { mac: mac(0xaa), ips: [{ ip: fakeNodeIp(i, 'HMN'), network: 'HMN' }] }
    const hsn: FakeInterface = { mac: mac(0xbb), ips: [{ ip: fakeNodeIp(i, 'HSN'), network: 'HSN' }] }
    nodes.push({
      xname: fakeXname(i),
      nid: i + 1,
      groups: ['compute', `rack${Math.floor(i / 64)}`],
      interfaces: options.hsnFirst ? [hsn, hmn] : [hmn, hsn],
    })
  }
  return nodes
}

/** The xname {@link generateFakeNodes} gives node `i`. */
export function fakeXname(i: number): string {
  return `x${1000 + Math.floor(i / 512)}c0s${Math.floor(i / 8) % 64}b0n${i % 8}`
}

/** The IP {@link generateFakeNodes} gives node `i` on `network`: `10.252.x.y` (HMN), `10.100.x.y` (HSN); unique up to 1M nodes. */
export function fakeNodeIp(i: number, network: 'HMN' | 'HSN'): string {
  const j = i + 1
  const a = (j >> 16) & 0xff
  const second = network === 'HMN' ? 252 - a : 100 + a
  return `10.${second}.${(j >> 8) & 0xff}.${j & 0xff}`
}
