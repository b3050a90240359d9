// The SMD-15 mock inventory, written as the JSON real SMD would send, so it runs through the same parsing and
// snapshot pipeline as a real sync. Extra fields (Type, State, …) are kept to exercise the lenient wire schemas.

/** One IP of a {@link MockInterface}. */
export interface MockAddress {
  readonly ip: string
  /** SMD `Network`; omitted from the payload when absent. */
  readonly network?: string
}

/** An Ethernet interface of a {@link MockNode}; its NIC mirrors it (SMD-15). */
export interface MockInterface {
  readonly mac: string
  readonly description: string
  readonly ips: readonly MockAddress[]
}

/** A node of the mock, written out as SMD records by {@link mockBulkPayloads}. */
export interface MockNode {
  readonly xname: string
  readonly nid: number
  readonly role: string
  readonly groups: readonly string[]
  /** In SMD order. */
  readonly interfaces: readonly MockInterface[]
  /** Component-level `IP` and `MAC` (SMD-5: fixtures only); default none. */
  readonly componentIp?: string
  readonly componentMac?: string
}

const HMN = 'Node Management Network'
const HSN = 'High Speed Network'
const hmn = (mac: string, ip: string): MockInterface => ({ mac, description: HMN, ips: [{ ip, network: 'HMN' }] })
const hsn = (mac: string, ip: string): MockInterface => ({ mac, description: HSN, ips: [{ ip, network: 'HSN' }] })

/** The three SMD-15 nodes. */
export const MOCK_NODES: readonly MockNode[] = [
  {
    xname: 'x1000c0s0b0n0',
    nid: 1000,
    role: 'compute',
    groups: ['compute', 'green'],
    interfaces: [hmn('b4:2e:99:be:1a:6d', '10.252.0.26'), hsn('b4:2e:99:be:1a:6e', '10.100.0.26')],
  },
  {
    xname: 'x1000c0s0b0n1',
    nid: 1001,
    role: 'compute',
    groups: ['compute', 'blue'],
    interfaces: [hmn('b4:2e:99:be:1a:7d', '10.252.0.27'), hsn('b4:2e:99:be:1a:7e', '10.100.0.27')],
  },
  {
    xname: 'x1000c0s1b0n0',
    nid: 1002,
    role: 'storage',
    groups: ['storage'],
    interfaces: [hmn('b4:2e:99:be:1a:8d', '10.252.0.28')],
  },
]

/** The four bulk payloads of the mock for `nodes` (default the SMD-15 ones), as SMD sends them (fresh objects on every call). */
export function mockBulkPayloads(nodes: readonly MockNode[] = MOCK_NODES): {
  components: unknown
  interfaces: unknown
  memberships: unknown
  endpoints: unknown
} {
  return {
    components: {
      Components: nodes.map((n) => ({
        ID: n.xname,
        Type: 'Node',
        State: 'Ready',
        Flag: 'OK',
        Enabled: true,
        Role: n.role,
        NID: n.nid,
        NetType: 'Sling',
        Arch: 'X86',
        ...(n.componentIp === undefined ? {} : { IP: n.componentIp }),
        ...(n.componentMac === undefined ? {} : { MAC: n.componentMac }),
      })),
    },
    interfaces: nodes.flatMap((n) =>
      n.interfaces.map(({ mac, description, ips }) => ({
        ID: mac.replaceAll(':', ''),
        Description: description,
        MACAddress: mac,
        LastUpdate: '2025-01-01T00:00:00Z',
        ComponentID: n.xname,
        Type: 'Node',
        IPAddresses: ips.map(({ ip, network }) => (network === undefined ? { IPAddress: ip } : { IPAddress: ip, Network: network })),
      })),
    ),
    memberships: nodes.map((n) => ({ id: n.xname, groupLabels: [...n.groups], partitionName: '' })),
    endpoints: {
      ComponentEndpoints: nodes.map((n) => ({
        ID: n.xname,
        Type: 'Node',
        RedfishType: 'ComputerSystem',
        RedfishSubtype: 'Physical',
        RedfishSystemInfo: {
          Name: 'System Embedded.1',
          EthernetNICInfo: n.interfaces.map(({ mac, description }, i) => ({
            RedfishId: String(i + 1),
            '@odata.id': `/redfish/v1/Systems/System.Embedded.1/EthernetInterfaces/${i + 1}`,
            Description: description,
            InterfaceEnabled: true,
            MACAddress: mac,
            PermanentMACAddress: mac,
          })),
        },
      })),
    },
  }
}
