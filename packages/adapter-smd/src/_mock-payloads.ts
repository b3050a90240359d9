// The SMD-15 mock inventory, written as the JSON real SMD would send, so it runs through the same parsing and
// snapshot pipeline as a real sync. Extra fields (Type, State, …) are kept to exercise the lenient wire schemas.

interface MockNode {
  readonly xname: string
  readonly nid: number
  readonly role: string
  readonly groups: readonly string[]
  /** [mac, description, ip, network] per interface, in SMD order. */
  readonly interfaces: ReadonlyArray<readonly [string, string, string, string]>
}

const HMN = 'Node Management Network'
const HSN = 'High Speed Network'

const MOCK_NODES: readonly MockNode[] = [
  {
    xname: 'x1000c0s0b0n0',
    nid: 1000,
    role: 'compute',
    groups: ['compute', 'green'],
    interfaces: [
      ['b4:2e:99:be:1a:6d', HMN, '10.252.0.26', 'HMN'],
      ['b4:2e:99:be:1a:6e', HSN, '10.100.0.26', 'HSN'],
    ],
  },
  {
    xname: 'x1000c0s0b0n1',
    nid: 1001,
    role: 'compute',
    groups: ['compute', 'blue'],
    interfaces: [
      ['b4:2e:99:be:1a:7d', HMN, '10.252.0.27', 'HMN'],
      ['b4:2e:99:be:1a:7e', HSN, '10.100.0.27', 'HSN'],
    ],
  },
  {
    xname: 'x1000c0s1b0n0',
    nid: 1002,
    role: 'storage',
    groups: ['storage'],
    interfaces: [['b4:2e:99:be:1a:8d', HMN, '10.252.0.28', 'HMN']],
  },
]

/** The four bulk payloads of the mock, as SMD sends them (fresh objects on every call). */
export function mockBulkPayloads(): { components: unknown; interfaces: unknown; memberships: unknown; endpoints: unknown } {
  return {
    components: {
      Components: MOCK_NODES.map((n) => ({
        ID: n.xname,
        Type: 'Node',
        State: 'Ready',
        Flag: 'OK',
        Enabled: true,
        Role: n.role,
        NID: n.nid,
        NetType: 'Sling',
        Arch: 'X86',
      })),
    },
    interfaces: MOCK_NODES.flatMap((n) =>
      n.interfaces.map(([mac, description, ip, network]) => ({
        ID: mac.replaceAll(':', ''),
        Description: description,
        MACAddress: mac,
        LastUpdate: '2025-01-01T00:00:00Z',
        ComponentID: n.xname,
        Type: 'Node',
        IPAddresses: [{ IPAddress: ip, Network: network }],
      })),
    ),
    memberships: MOCK_NODES.map((n) => ({ id: n.xname, groupLabels: [...n.groups], partitionName: '' })),
    endpoints: {
      ComponentEndpoints: MOCK_NODES.map((n) => ({
        ID: n.xname,
        Type: 'Node',
        RedfishType: 'ComputerSystem',
        RedfishSubtype: 'Physical',
        RedfishSystemInfo: {
          Name: 'System Embedded.1',
          EthernetNICInfo: n.interfaces.map(([mac, description], i) => ({
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
