import { describe, expect, it } from 'vitest'
import { isMetadataError } from '@metadata-service/core'
import {
  componentNid,
  endpointNics,
  membershipLabels,
  parseComponents,
  parseEndpoints,
  parseInterfaces,
  parseMemberships,
} from '../src/index.js'

const messageOf = (f: () => unknown): string => {
  try {
    f()
  } catch (err) {
    expect(isMetadataError(err, 'INVENTORY_UNAVAILABLE')).toBe(true)
    return (err as Error).message
  }
  throw new Error('expected a rejection')
}

describe('SMD wire parsing (SMD-5)', () => {
  it('reads {"Components":[…]} and a single component; NID a number, numeric string or absent (0)', () => {
    const list = parseComponents({
      Components: [
        { ID: 'x1', NID: 7, Role: 'Compute', Type: 'Node', Extra: { a: 1 } },
        { ID: 'x2', NID: ' 12 ', Role: 'Service' },
        { ID: 'x3' },
        { ID: 'x4', NID: null, Role: null },
      ],
    })
    expect(list.map((c) => [c.ID, componentNid(c), c.Role])).toEqual([
      ['x1', 7, 'Compute'],
      ['x2', 12, 'Service'],
      ['x3', 0, undefined],
      ['x4', 0, null],
    ])
    // Unknown fields are dropped, not kept.
    expect(list[0]).toEqual({ ID: 'x1', NID: 7, Role: 'Compute' })
    expect(parseComponents({ ID: 'x5', NID: '5', Role: 'compute', IP: '10.0.0.5', MAC: 'aa' })).toEqual([
      { ID: 'x5', NID: '5', Role: 'compute', IP: '10.0.0.5', MAC: 'aa' },
    ])
    expect(parseComponents({ Components: [{ ID: 'x6', NID: 6 }] })).toEqual([{ ID: 'x6', NID: 6 }])
    expect(parseComponents({ Components: null })).toEqual([])
  })

  it('rejects a non-numeric NID, a non-string ID and a payload without Components, naming the field', () => {
    expect(messageOf(() => parseComponents({ Components: [{ ID: 'x1', NID: 'abc' }] }))).toMatch(
      /^invalid SMD components response: Components\.0\.NID: /,
    )
    expect(messageOf(() => parseComponents({ Components: [{ ID: 'x1', NID: -1 }] }))).toMatch(
      /^invalid SMD components response: Components\.0\.NID: /,
    )
    expect(messageOf(() => parseComponents({ Components: [{ ID: 5 }] }))).toMatch(
      /^invalid SMD components response: Components\.0\.ID: /,
    )
    expect(messageOf(() => parseComponents({ ID: 'x1', Role: 7 }))).toMatch(/^invalid SMD component response: Role: /)
    expect(messageOf(() => parseComponents([]))).toMatch(/^invalid SMD components response: /)
  })

  it('reads interfaces as a bare array and keeps only the fields it uses', () => {
    expect(
      parseInterfaces([
        {
          ID: 'a',
          Description: 'd',
          MACAddress: 'aa:bb',
          ComponentID: 'x1',
          Type: 'Node',
          LastUpdate: 'z',
          IPAddresses: [{ IPAddress: '10.0.0.1', Network: 'HMN' }, { IPAddress: '10.0.0.2' }],
        },
        { ComponentID: 'x2', IPAddresses: null },
      ]),
    ).toEqual([
      {
        ID: 'a',
        Description: 'd',
        MACAddress: 'aa:bb',
        ComponentID: 'x1',
        Type: 'Node',
        IPAddresses: [{ IPAddress: '10.0.0.1', Network: 'HMN' }, { IPAddress: '10.0.0.2' }],
      },
      { ComponentID: 'x2', IPAddresses: null },
    ])
    expect(parseInterfaces(null)).toEqual([])
    expect(messageOf(() => parseInterfaces({ not: 'an array' }))).toMatch(/^invalid SMD EthernetInterfaces response: /)
    expect(messageOf(() => parseInterfaces([{ IPAddresses: [{ IPAddress: 1 }] }]))).toMatch(
      /^invalid SMD EthernetInterfaces response: 0\.IPAddresses\.0\.IPAddress: /,
    )
  })

  it('reads memberships from groupLabels, else Groups, else GroupLabels; array or single object', () => {
    const list = parseMemberships([
      { id: 'x1', groupLabels: ['compute', 'ntp'], partitionName: 'p1' },
      { id: 'x2', Groups: ['storage'] },
      { id: 'x3', GroupLabels: ['blue'] },
      { id: 'x4', groupLabels: null, Groups: ['g'] },
      { id: 'x5' },
    ])
    expect(list.map((m) => [m.id, membershipLabels(m)])).toEqual([
      ['x1', ['compute', 'ntp']],
      ['x2', ['storage']],
      ['x3', ['blue']],
      ['x4', ['g']],
      ['x5', []],
    ])
    expect(parseMemberships({ id: 'x1', groupLabels: ['a'], partitionName: '' }).map(membershipLabels)).toEqual([['a']])
    expect(parseMemberships(null)).toEqual([])
    expect(messageOf(() => parseMemberships([{ id: 'x1', groupLabels: 'compute' }]))).toMatch(
      /^invalid SMD memberships response: 0\.groupLabels: /,
    )
  })

  it('reads NICs from EthernetNICInfo, else EthNICInfo; envelope, bare array or single endpoint', () => {
    const nic = { RedfishId: '1', Description: 'd', MACAddress: 'aa', PermanentMACAddress: 'AA', InterfaceEnabled: true }
    const list = parseEndpoints({
      ComponentEndpoints: [
        { ID: 'x1', RedfishSystemInfo: { EthernetNICInfo: [nic], EthNICInfo: [{ ...nic, RedfishId: 'no' }] } },
        { ID: 'x2', RedfishSystemInfo: { EthernetNICInfo: [], EthNICInfo: [{ RedfishId: 2, MACAddress: 'bb' }] } },
        { ID: 'x3' },
        { ID: 'x4', RedfishSystemInfo: { Name: 'n' } },
      ],
    })
    expect(list.map((e) => [e.ID, endpointNics(e)])).toEqual([
      ['x1', [nic]],
      ['x2', [{ RedfishId: 2, MACAddress: 'bb' }]],
      ['x3', []],
      ['x4', []],
    ])
    expect(parseEndpoints({ ID: 'x9', RedfishSystemInfo: { EthernetNICInfo: [nic] } }).map(endpointNics)).toEqual([[nic]])
    expect(parseEndpoints([{ ID: 'x8' }]).map((e) => e.ID)).toEqual(['x8'])
    expect(
      messageOf(() =>
        parseEndpoints({ ComponentEndpoints: [{ ID: 'x1', RedfishSystemInfo: { EthernetNICInfo: [{ InterfaceEnabled: 'yes' }] } }] }),
      ),
    ).toMatch(/^invalid SMD ComponentEndpoints response: ComponentEndpoints\.0\.RedfishSystemInfo\.EthernetNICInfo\.0\.InterfaceEnabled: /)
  })
})
