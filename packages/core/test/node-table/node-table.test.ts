import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { InventoryNode } from '../../src/ports/inventory.js'
import { nodeStamp } from '../../src/node-table/node-identity.js'
import { buildNodeTable, createNodeTableBuilder } from '../../src/node-table/node-table-builder.js'
import { NODE_TABLE_PARTS, openNodeTable, sameNodeTableData } from '../../src/node-table/node-table.js'
import { fuzzParameters, sampleInventoryNodes } from '../../src/testing/index.js'

// The compact snapshot of issue 19: whatever goes in comes out as the port describes it (SMD-9), by position, xname
// and canonical address, after a copy to another thread or process too.

const HMN = 'Node Management Network'
const n0: InventoryNode = {
  xname: 'x1000c0s0b0n0',
  nid: 1000,
  role: 'Compute',
  groups: ['compute', 'green'],
  interfaces: [
    { id: 'b42e99be1a6d', description: HMN, mac: 'b4:2e:99:be:1a:6d', type: 'Node', ipAddresses: [{ ip: '10.252.0.26', network: 'HMN' }] },
    { id: 'b42e99be1a6e', description: 'High Speed Network', mac: 'b4:2e:99:be:1a:6e', type: 'Node', ipAddresses: [{ ip: '10.100.0.26', network: 'HSN' }] },
  ],
  nics: [
    { redfishId: '1', description: HMN, mac: 'b4:2e:99:be:1a:6d', permanentMac: 'b4:2e:99:be:1a:6d', enabled: true },
    { redfishId: '2', description: '', mac: 'b4:2e:99:be:1a:99', permanentMac: 'b4:2e:99:be:1a:98', enabled: false },
  ],
}
// Unknown groups, no interfaces, a NID beyond 32 bits, component-level fields, non-ASCII text.
const storage: InventoryNode = {
  xname: 'x1000c0s1b0n0',
  nid: 2 ** 40 + 3,
  role: 'Stockage – niveau 1',
  groups: undefined,
  interfaces: [],
  nics: [],
  componentIp: '10.252.1.28',
  componentMac: 'b4:2e:99:be:1a:8d',
}
// An IPv6 address in long form and one without a network; an empty label list.
const n1: InventoryNode = {
  xname: 'x1000c0s0b0n1',
  nid: 0,
  role: '',
  groups: [],
  interfaces: [{ id: '', description: '', mac: '', type: '', ipAddresses: [{ ip: 'FD00:0:0:0:0:0:0:1B', network: '' }, { ip: '', network: 'HMN' }] }],
  nics: [],
}

describe('node table (issue 19)', () => {
  it('gives back every node as it went in, in order, frozen, by position, xname and address', () => {
    const table = buildNodeTable([n0, storage, n1])
    expect(table.size).toBe(3)
    expect([...table.nodes()]).toEqual([n0, storage, n1])
    // Same properties in the same order: JSON of the node (the document cache's fallback comparison) is unchanged.
    expect(JSON.stringify([...table.nodes()])).toBe(JSON.stringify([n0, storage, n1]))
    expect(Object.isFrozen(table.at(0)) && Object.isFrozen(table.at(0).interfaces[0]!.ipAddresses)).toBe(true)
    expect(table.node('x1000c0s1b0n0')).toEqual(storage)
    expect(table.node('x9')).toBeUndefined()
    expect(table.owner('10.100.0.26')?.xname).toBe('x1000c0s0b0n0')
    expect(table.owner('10.252.1.28')?.xname).toBe('x1000c0s1b0n0')
    expect(table.owner('fd00::1b')?.xname).toBe('x1000c0s0b0n1')
    expect(table.owner('')).toBeUndefined()
    expect(table.owner('10.0.0.1')).toBeUndefined()
    expect(table.addresses).toBe(4)
    expect(() => table.at(3)).toThrow(RangeError)
  })

  it('holds nothing when built from nothing', () => {
    const table = buildNodeTable([])
    expect([table.size, table.addresses, [...table.nodes()], table.node('x1'), table.owner('10.0.0.1')]).toEqual([0, 0, [], undefined, undefined])
  })

  it('gives a duplicate address to its first owner, component IPs first, and lists the conflicts (SMD-9)', () => {
    const iface = (ip: string) => ({ id: '', description: '', mac: '', type: 'Node', ipAddresses: [{ ip, network: 'HMN' }] })
    const node = (xname: string, ips: string[], componentIp?: string): InventoryNode => ({
      xname,
      nid: 1,
      role: 'Compute',
      groups: [],
      interfaces: ips.map(iface),
      nics: [],
      ...(componentIp === undefined ? {} : { componentIp }),
    })
    const builder = createNodeTableBuilder({ maxLoggedConflicts: 2 })
    builder.add(node('a', ['10.9.0.1', '10.9.0.10', '10.9.0.10']))
    builder.add(node('b', ['10.9.0.2'], '10.9.0.1'))
    builder.add(node('c', ['10.9.0.2', '10.9.0.10']))
    expect(builder.add(node('a', ['10.9.0.99']))).toBe(false)
    const { data, conflicts } = builder.finish()
    const table = openNodeTable(data)
    expect(['10.9.0.1', '10.9.0.2', '10.9.0.10'].map((ip) => table.owner(ip)?.xname)).toEqual(['b', 'b', 'a'])
    expect(table.owner('10.9.0.99')).toBeUndefined()
    expect(conflicts).toEqual({
      logged: [
        { ip: '10.9.0.1', kept: 'b', ignored: 'a' },
        { ip: '10.9.0.2', kept: 'b', ignored: 'c' },
      ],
      count: 3,
    })
    expect(() => builder.add(node('d', []))).toThrow('already finished')
  })

  it('reads the same after structured clone or a transfer to another thread (worker, --workers IPC)', () => {
    const { data } = (() => {
      const builder = createNodeTableBuilder()
      for (const node of [n0, storage, n1]) builder.add(node)
      return builder.finish()
    })()
    const copy = openNodeTable(structuredClone(data))
    expect([...copy.nodes()]).toEqual([n0, storage, n1])
    const moved = openNodeTable(structuredClone(data, { transfer: NODE_TABLE_PARTS.map(([name]) => data[name].buffer as ArrayBuffer) }))
    expect(moved.owner('fd00::1b')?.xname).toBe('x1000c0s0b0n1')
    expect(data.text.byteLength).toBe(0) // the sender no longer holds the bytes
  })

  it('tells tables of the same nodes in the same order from any other (the unchanged-sync rule, SMD-9)', () => {
    const a = buildNodeTable([n0, storage, n1]).data
    expect(sameNodeTableData(a, structuredClone(a))).toBe(true)
    expect(sameNodeTableData(a, buildNodeTable([n0, storage, n1]).data)).toBe(true)
    expect(sameNodeTableData(a, buildNodeTable([n0, n1, storage]).data)).toBe(false)
    expect(sameNodeTableData(a, buildNodeTable([n0, storage, { ...n1, nid: 1 }]).data)).toBe(false)
    expect(sameNodeTableData(a, buildNodeTable([n0, storage, { ...n1, groups: undefined }]).data)).toBe(false)
    expect(sameNodeTableData(a, buildNodeTable([n0, storage]).data)).toBe(false)
  })

  it('stamps its nodes: one stamp per position and table, invisible to JSON, clones and equality', () => {
    const a = buildNodeTable([n0, storage])
    const b = openNodeTable(a.data)
    expect(a.at(0)).toBe(a.at(0))
    expect(nodeStamp(a.at(0))).toBe(nodeStamp(a.node('x1000c0s0b0n0')!))
    expect(nodeStamp(a.at(0))).not.toBe(nodeStamp(a.at(1)))
    expect(nodeStamp(b.at(0))).not.toBe(nodeStamp(a.at(0)))
    expect(nodeStamp(n0)).toBeUndefined()
    expect(nodeStamp(structuredClone(a.at(0)))).toBeUndefined()
    expect(Object.keys(a.at(0))).toEqual(Object.keys(n0))
    expect(a.at(0)).toStrictEqual(b.at(0))
  })

  it('makes equal nodes again for positions its few kept objects no longer hold (100,000 nodes)', () => {
    const nodes = sampleInventoryNodes(100_000)
    const table = buildNodeTable(nodes)
    const first = table.at(5)
    for (let k = 0; k < 100_000; k += 997) expect(table.owner(nodes[k]!.interfaces[0]!.ipAddresses[0]!.ip)).toEqual(nodes[k])
    for (let k = 0; k < 100_000; k++) table.at(k)
    const again = table.at(5)
    expect(again).toEqual(first)
    expect(nodeStamp(again)).toBe(nodeStamp(first))
    expect(table.node(nodes[99_999]!.xname)?.nid).toBe(100_000)
  })

  it('gives back any nodes it is given (property)', () => {
    const text = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('', 'HMN', 'Node', 'compute'), fc.string({ unit: 'grapheme', maxLength: 8 }))
    const ip = fc.oneof(fc.ipV4(), fc.ipV6(), text)
    const node = fc.record({
      xname: fc.string({ minLength: 1, maxLength: 16 }),
      nid: fc.oneof(fc.nat(), fc.maxSafeNat()),
      role: text,
      groups: fc.option(fc.array(text, { maxLength: 3 }), { nil: undefined }),
      interfaces: fc.array(
        fc.record({ id: text, description: text, mac: text, type: text, ipAddresses: fc.array(fc.record({ ip, network: text }), { maxLength: 3 }) }),
        { maxLength: 3 },
      ),
      nics: fc.array(fc.record({ redfishId: text, description: text, mac: text, permanentMac: text, enabled: fc.boolean() }), { maxLength: 3 }),
      componentIp: fc.option(ip, { nil: undefined }),
      componentMac: fc.option(text, { nil: undefined }),
    })
    fc.assert(
      fc.property(fc.uniqueArray(node, { selector: (n) => n.xname, maxLength: 12 }), (drawn) => {
        // The port's shape: component fields only when non-empty.
        const nodes: InventoryNode[] = drawn.map(({ componentIp, componentMac, ...rest }) => ({
          ...rest,
          ...(componentIp ? { componentIp } : {}),
          ...(componentMac ? { componentMac } : {}),
        }))
        const table = openNodeTable(structuredClone(buildNodeTable(nodes).data))
        expect([...table.nodes()]).toEqual(nodes)
        for (const n of nodes) expect(table.node(n.xname)?.xname).toBe(n.xname)
      }),
      fuzzParameters(300),
    )
  })
})
