import { describe, expect, it } from 'vitest'
import { isMetadataError } from '@metadata-service/core'
import { parseComponents, parseEndpoints, parseInterfaces, parseMemberships } from '../src/index.js'

describe('SMD wire parsing (SMD-5)', () => {
  it('reads {"Components":[…]} and a single component, NID as number, numeric string or absent', () => {
    expect(
      parseComponents({
        Components: [
          { ID: 'x1', NID: 7, Role: 'Compute', Type: 'Node', Extra: { a: 1 } },
          { ID: 'x2', NID: ' 12 ', Role: 'Service' },
          { ID: 'x3' },
          { ID: 'x4', NID: null, Role: null },
        ],
      }),
    ).toEqual([
      { ID: 'x1', NID: 7, Role: 'Compute' },
      { ID: 'x2', NID: 12, Role: 'Service' },
      { ID: 'x3', NID: 0, Role: '' },
      { ID: 'x4', NID: 0, Role: '' },
    ])
    expect(parseComponents({ ID: 'x5', NID: '5', Role: 'compute', IP: '10.0.0.5', MAC: 'aa' })).toEqual([
      { ID: 'x5', NID: 5, Role: 'compute', IP: '10.0.0.5', MAC: 'aa' },
    ])
    expect(parseComponents({ Components: [{ ID: 'x6', NID: 6 }] })).toEqual([{ ID: 'x6', NID: 6, Role: '' }])
    expect(parseComponents({ Components: null })).toEqual([])
  })

  it('rejects a component whose NID is not numeric, naming the field', () => {
    let caught: unknown
    try {
      parseComponents({ Components: [{ ID: 'x1', NID: 'abc' }] })
    } catch (err) {
      caught = err
    }
    expect(isMetadataError(caught, 'INVENTORY_UNAVAILABLE')).toBe(true)
    expect((caught as Error).message).toMatch(/^invalid SMD components response: Components\.0\.NID: /)
  })

  it('rejects a component list with a non-string ID', () => {
    expect(() => parseComponents({ Components: [{ ID: 5 }] })).toThrow(
      /^invalid SMD components response: Components\.0\.ID: /,
    )
  })

  it('reads interfaces as a bare array, defaulting absent fields', () => {
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
        IPAddresses: [
          { IPAddress: '10.0.0.1', Network: 'HMN' },
          { IPAddress: '10.0.0.2', Network: '' },
        ],
      },
      { ID: '', Description: '', MACAddress: '', ComponentID: 'x2', Type: '', IPAddresses: [] },
    ])
    expect(parseInterfaces(null)).toEqual([])
    expect(() => parseInterfaces({ not: 'an array' })).toThrow(/^invalid SMD EthernetInterfaces response/)
  })

  it('reads memberships from groupLabels, else Groups, else GroupLabels; array or single object', () => {
    expect(
      parseMemberships([
        { id: 'x1', groupLabels: ['compute', 'ntp'], partitionName: 'p1' },
        { id: 'x2', Groups: ['storage'] },
        { id: 'x3', GroupLabels: ['blue'] },
        { id: 'x4', groupLabels: null, Groups: ['g'] },
        { id: 'x5' },
      ]),
    ).toEqual([
      { id: 'x1', labels: ['compute', 'ntp'], partitionName: 'p1' },
      { id: 'x2', labels: ['storage'], partitionName: '' },
      { id: 'x3', labels: ['blue'], partitionName: '' },
      { id: 'x4', labels: ['g'], partitionName: '' },
      { id: 'x5', labels: [], partitionName: '' },
    ])
    expect(parseMemberships({ id: 'x1', groupLabels: ['a'], partitionName: '' })).toEqual([
      { id: 'x1', labels: ['a'], partitionName: '' },
    ])
    expect(() => parseMemberships([{ id: 'x1', groupLabels: 'compute' }])).toThrow(
      /^invalid SMD memberships response: 0\.groupLabels: /,
    )
  })

  it('reads NICs from EthernetNICInfo, else EthNICInfo; InterfaceEnabled absent is false', () => {
    const nic = { RedfishId: '1', Description: 'd', MACAddress: 'aa', PermanentMACAddress: 'AA', InterfaceEnabled: true }
    expect(
      parseEndpoints({
        ComponentEndpoints: [
          { ID: 'x1', RedfishSystemInfo: { EthernetNICInfo: [nic], EthNICInfo: [{ ...nic, RedfishId: 'no' }] } },
          { ID: 'x2', RedfishSystemInfo: { EthNICInfo: [{ RedfishId: 2, MACAddress: 'bb' }] } },
          { ID: 'x3' },
          { ID: 'x4', RedfishSystemInfo: { Name: 'n' } },
        ],
      }),
    ).toEqual([
      { id: 'x1', nics: [nic] },
      {
        id: 'x2',
        nics: [{ RedfishId: '2', Description: '', MACAddress: 'bb', PermanentMACAddress: '', InterfaceEnabled: false }],
      },
      { id: 'x3', nics: [] },
      { id: 'x4', nics: [] },
    ])
    expect(parseEndpoints({ ID: 'x9', RedfishSystemInfo: { EthernetNICInfo: [nic] } })).toEqual([
      { id: 'x9', nics: [nic] },
    ])
    expect(parseEndpoints([{ ID: 'x8' }])).toEqual([{ id: 'x8', nics: [] }])
    expect(() => parseEndpoints({ ComponentEndpoints: [{ ID: 'x1', RedfishSystemInfo: { EthernetNICInfo: [{ InterfaceEnabled: 'yes' }] } }] })).toThrow(
      /^invalid SMD ComponentEndpoints response: ComponentEndpoints\.0\.RedfishSystemInfo\.EthernetNICInfo\.0\.InterfaceEnabled: /,
    )
  })
})
