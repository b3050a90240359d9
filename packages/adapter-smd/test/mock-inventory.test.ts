import { describe, expect, it } from 'vitest'
import { createRecordingLogger } from '@metadata-service/core/testing'
import { createMockInventory } from '../src/index.js'

const nic = (redfishId: string, description: string, mac: string) => ({
  redfishId,
  description,
  mac,
  permanentMac: mac,
  enabled: true,
})
const iface = (mac: string, description: string, ip: string, network: string) => ({
  id: mac.replaceAll(':', ''),
  description,
  mac,
  type: 'Node',
  ipAddresses: [{ ip, network }],
})

describe('createMockInventory (SMD-15)', () => {
  it('holds x1000c0s0b0n0 exactly as the SPEC table says', async () => {
    const inv = createMockInventory()
    expect(await inv.node('x1000c0s0b0n0')).toEqual({
      xname: 'x1000c0s0b0n0',
      nid: 1000,
      role: 'compute',
      groups: ['compute', 'green'],
      interfaces: [
        iface('b4:2e:99:be:1a:6d', 'Node Management Network', '10.252.0.26', 'HMN'),
        iface('b4:2e:99:be:1a:6e', 'High Speed Network', '10.100.0.26', 'HSN'),
      ],
      nics: [
        nic('1', 'Node Management Network', 'b4:2e:99:be:1a:6d'),
        nic('2', 'High Speed Network', 'b4:2e:99:be:1a:6e'),
      ],
    })
  })

  it('holds x1000c0s0b0n1 and x1000c0s1b0n0', async () => {
    const inv = createMockInventory()
    const n1 = await inv.node('x1000c0s0b0n1')
    expect(n1).toMatchObject({ nid: 1001, role: 'compute', groups: ['compute', 'blue'] })
    expect(n1?.interfaces).toEqual([
      iface('b4:2e:99:be:1a:7d', 'Node Management Network', '10.252.0.27', 'HMN'),
      iface('b4:2e:99:be:1a:7e', 'High Speed Network', '10.100.0.27', 'HSN'),
    ])
    const s0 = await inv.node('x1000c0s1b0n0')
    expect(s0).toEqual({
      xname: 'x1000c0s1b0n0',
      nid: 1002,
      role: 'storage',
      groups: ['storage'],
      interfaces: [iface('b4:2e:99:be:1a:8d', 'Node Management Network', '10.252.0.28', 'HMN')],
      nics: [nic('1', 'Node Management Network', 'b4:2e:99:be:1a:8d')],
    })
  })

  it('resolves every HMN and HSN address to its node, and nothing else', async () => {
    const inv = createMockInventory()
    const cases: Array<[string, string | undefined]> = [
      ['10.252.0.26', 'x1000c0s0b0n0'],
      ['10.100.0.26', 'x1000c0s0b0n0'],
      ['10.252.0.27', 'x1000c0s0b0n1'],
      ['10.100.0.27', 'x1000c0s0b0n1'],
      ['10.252.0.28', 'x1000c0s1b0n0'],
      ['192.168.99.99', undefined],
      ['127.0.0.1', undefined],
    ]
    for (const [ip, xname] of cases) expect((await inv.resolve(ip))?.xname).toBe(xname)
    expect(await inv.node('x9999c0s0b0n0')).toBeUndefined()
  })

  it('is ready at once, with its counts, and logs nothing', async () => {
    const logger = createRecordingLogger()
    const inv = createMockInventory({ logger })
    expect(inv.health()).toEqual({ ready: true, stale: false, lastSuccessAt: expect.any(Number), nodes: 3, ips: 5 })
    await inv.start()
    expect(inv.health().ready).toBe(true)
    expect(logger.entries).toEqual([])
    await inv.close()
  })

  it('hands out frozen nodes, so a caller cannot change the snapshot', async () => {
    const inv = createMockInventory()
    const n0 = await inv.resolve('10.252.0.26')
    expect(Object.isFrozen(n0)).toBe(true)
    expect(Object.isFrozen(n0?.interfaces)).toBe(true)
    expect(Object.isFrozen(n0?.groups)).toBe(true)
  })
})
