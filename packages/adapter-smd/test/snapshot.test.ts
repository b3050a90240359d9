import { describe, expect, it } from 'vitest'
import { sameNodeTableData } from '@metadata-service/core'
import { createRecordingLogger } from '@metadata-service/core/testing'
import { buildSnapshot, parseInterfaces, type WireBulk } from '../src/index.js'

const ifaceWire = (componentId: string, mac: string, ip: string, network: string) => ({
  ID: mac.replaceAll(':', ''),
  Description: network,
  MACAddress: mac,
  ComponentID: componentId,
  Type: 'Node',
  IPAddresses: [{ IPAddress: ip, Network: network }],
})

const bulk = (over: Partial<WireBulk> = {}): WireBulk => ({
  components: [
    { ID: 'x1', NID: 1, Role: 'Compute' },
    { ID: 'x2', NID: 2, Role: 'Compute', IP: '10.9.0.2', MAC: 'cc' },
  ],
  interfaces: parseInterfaces([
    ifaceWire('x1', 'aa:01', '10.100.0.1', 'HSN'),
    ifaceWire('x1', 'aa:02', '10.252.0.1', 'HMN'),
    ifaceWire('', 'aa:03', '10.252.0.3', 'HMN'),
    ifaceWire('x-unknown', 'aa:04', '10.252.0.4', 'HMN'),
  ]),
  memberships: [{ id: 'x1', groupLabels: ['compute', 'ntp'] }],
  endpoints: [{ ID: 'x1' }],
  ...over,
})

describe('buildSnapshot (SMD-9)', () => {
  it('keeps SMD interface order and indexes HSN, HMN and component IPs', () => {
    const snap = buildSnapshot(bulk(), createRecordingLogger())
    const x1 = snap.node('x1')
    expect(x1?.interfaces.map((i) => i.ipAddresses[0]?.network)).toEqual(['HSN', 'HMN'])
    expect(x1?.groups).toEqual(['compute', 'ntp'])
    expect(snap.owner('10.100.0.1')).toBe(x1)
    expect(snap.owner('10.252.0.1')).toBe(x1)
    const x2 = snap.node('x2')
    expect(x2).toEqual({ xname: 'x2', nid: 2, role: 'Compute', groups: [], interfaces: [], nics: [], componentIp: '10.9.0.2', componentMac: 'cc' })
    expect(snap.owner('10.9.0.2')).toBe(x2)
  })

  it('skips interfaces with an empty ComponentID and those of unknown components', () => {
    const snap = buildSnapshot(bulk(), createRecordingLogger())
    expect(snap.owner('10.252.0.3')).toBeUndefined()
    expect(snap.owner('10.252.0.4')).toBeUndefined()
    expect(snap.addresses).toBe(3)
    expect(['10.100.0.1', '10.252.0.1', '10.9.0.2'].map((ip) => snap.owner(ip)?.xname)).toEqual(['x1', 'x1', 'x2'])
  })

  it('marks groups unknown when memberships could not be read', () => {
    const snap = buildSnapshot(bulk({ memberships: undefined }), createRecordingLogger())
    expect(snap.node('x1')?.groups).toBeUndefined()
  })

  it('lets the first owner of a duplicate IP win and logs the conflict', () => {
    const logger = createRecordingLogger()
    const snap = buildSnapshot(
      bulk({ interfaces: parseInterfaces([ifaceWire('x1', 'aa:01', '10.0.0.7', 'HMN'), ifaceWire('x2', 'bb:01', '10.0.0.7', 'HMN')]) }),
      logger,
    )
    expect(snap.owner('10.0.0.7')?.xname).toBe('x1')
    expect(logger.entries).toEqual([
      {
        level: 'warn',
        message: 'duplicate IP in SMD inventory; the first owner wins',
        fields: { ip: '10.0.0.7', kept: 'x1', ignored: 'x2' },
      },
    ])
  })

  it('builds the same bytes again when SMD changed nothing, and logs its conflicts again (SMD-9, OPS-7)', () => {
    const logger = createRecordingLogger()
    const interfaces = parseInterfaces(
      Array.from({ length: 25 }, (_, i) => [ifaceWire('x1', `aa:${i}`, `10.1.0.${i}`, 'HMN'), ifaceWire('x2', `bb:${i}`, `10.1.0.${i}`, 'HMN')]).flat(),
    )
    const first = buildSnapshot(bulk({ interfaces }), logger)
    const logged = [...logger.entries]
    expect(logged).toHaveLength(21)
    const again = buildSnapshot(bulk({ interfaces }), logger)
    expect(sameNodeTableData(again.data, first.data)).toBe(true)
    expect(logger.entries).toEqual([...logged, ...logged])
    const changed = buildSnapshot(bulk({ interfaces, memberships: [{ id: 'x1', groupLabels: ['compute'] }] }), logger)
    expect(sameNodeTableData(changed.data, first.data)).toBe(false)
    expect(changed.node('x1')?.groups).toEqual(['compute'])
    expect(changed.node('x2')).toEqual(first.node('x2'))
    expect(changed.owner('10.1.0.3')).toBe(changed.node('x1'))
  })

  it('logs at most 20 conflicts one by one, then a summary', () => {
    const logger = createRecordingLogger()
    const interfaces = parseInterfaces(
      Array.from({ length: 25 }, (_, i) => [ifaceWire('x1', `aa:${i}`, `10.1.0.${i}`, 'HMN'), ifaceWire('x2', `bb:${i}`, `10.1.0.${i}`, 'HMN')]).flat(),
    )
    buildSnapshot(bulk({ interfaces }), logger)
    expect(logger.entries).toHaveLength(21)
    expect(logger.entries[20]).toEqual({ level: 'warn', message: 'duplicate IPs in SMD inventory', fields: { conflicts: 25 } })
  })

  it('ignores an IP a node lists twice, and a repeated component', () => {
    const logger = createRecordingLogger()
    const snap = buildSnapshot(
      bulk({
        components: [
          { ID: 'x1', NID: 1, Role: 'Compute' },
          { ID: 'x1', NID: 99, Role: 'Other' },
        ],
        interfaces: parseInterfaces([ifaceWire('x1', 'aa:01', '10.0.0.7', 'HMN'), ifaceWire('x1', 'aa:02', '10.0.0.7', 'HSN')]),
      }),
      logger,
    )
    expect(snap.size).toBe(1)
    expect(snap.node('x1')?.nid).toBe(1)
    expect(logger.entries).toEqual([])
  })
})
