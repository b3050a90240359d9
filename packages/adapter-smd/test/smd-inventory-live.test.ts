import { describe, expect, it } from 'vitest'
import { isMetadataError } from '@metadata-service/core'
import { createFakeTokenSource, createFixedClock } from '@metadata-service/core/testing'
import { fakeNodeIp, fakeXname, generateFakeNodes } from '../src/testing/index.js'
import { rig } from './_setup.js'

const rejection = async (p: Promise<unknown>): Promise<Error> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(err instanceof Error)) throw new Error('expected a rejection')
  return err
}

describe('live lookups (SMD-11, SMD-12)', () => {
  it('resolves before the first sync from a server that ignores IPAddress, with the IP call then 4 per-node calls (AT-23)', async () => {
    const { smd, inventory } = await rig({ nodes: generateFakeNodes(3), ignoreIpAddressFilter: true })
    const node = await inventory.resolve(fakeNodeIp(2, 'HMN'))
    expect(node?.xname).toBe(fakeXname(2))
    expect(node?.groups).toEqual(['compute', 'rack0'])
    expect(node?.nics).toHaveLength(2)
    expect(smd.requests.map((r) => r.path).sort()).toEqual(
      [
        `/hsm/v2/Inventory/EthernetInterfaces?IPAddress=${fakeNodeIp(2, 'HMN')}`,
        `/hsm/v2/State/Components/${fakeXname(2)}`,
        `/hsm/v2/memberships/${fakeXname(2)}`,
        `/hsm/v2/Inventory/EthernetInterfaces?ComponentID=${fakeXname(2)}`,
        `/hsm/v2/Inventory/ComponentEndpoints/${fakeXname(2)}`,
      ].sort(),
    )
    // Kept in the overlay: the HSN address of the same node costs nothing either.
    expect((await inventory.resolve(fakeNodeIp(2, 'HSN')))?.xname).toBe(fakeXname(2))
    expect(await inventory.node(fakeXname(2))).toBe(node)
    expect(smd.calls()).toBe(5)
    expect(inventory.stats().liveLookups).toEqual({ found: 1, not_found: 0, error: 0 })
  })

  it.each([
    ['an empty 200', { status: 200, body: '' }],
    ['a 204', { status: 204 }],
    ['"  "', { status: 200, body: '  ' }],
    ['[]', { status: 200, body: '[]' }],
  ])('reads %s as not found, never an error (AT-23)', async (_name, reply) => {
    const { smd, inventory } = await rig({ nodes: generateFakeNodes(3) })
    smd.inject('interfacesByIp', reply)
    expect(await inventory.resolve(fakeNodeIp(1, 'HMN'))).toBeUndefined()
    expect(inventory.stats().liveLookups).toEqual({ found: 0, not_found: 1, error: 0 })
  })

  it('remembers "not found" for the negative TTL: repeats within 30 s make no SMD call (SMD-12, AT-5)', async () => {
    const clock = createFixedClock()
    const { smd, inventory } = await rig({ nodes: generateFakeNodes(3) }, { clock, negativeCacheTtlSec: 30 })
    await inventory.syncNow()
    expect(smd.calls()).toBe(4)
    for (let k = 0; k < 4; k++) {
      expect(await inventory.resolve('192.168.99.99')).toBeUndefined()
      clock.advance(7_000)
    }
    expect(smd.calls('interfacesByIp')).toBe(1)
    clock.advance(3_000) // 31 s after the first lookup
    expect(await inventory.resolve('192.168.99.99')).toBeUndefined()
    expect(smd.calls('interfacesByIp')).toBe(2)
    expect(smd.calls()).toBe(6)
  })

  it('remembers an error for 5 s and answers INVENTORY_UNAVAILABLE meanwhile (SMD-12, ID-4)', async () => {
    const clock = createFixedClock()
    const { smd, inventory, logger } = await rig({ nodes: generateFakeNodes(3) }, { clock })
    smd.inject('interfacesByIp', { status: 500, body: 'db down' }, 1)
    const first = await rejection(inventory.resolve(fakeNodeIp(0, 'HMN')))
    expect(isMetadataError(first, 'INVENTORY_UNAVAILABLE')).toBe(true)
    expect(first.message).toBe('smd request failed: status 500: db down')
    clock.advance(4_999)
    expect((await rejection(inventory.resolve(fakeNodeIp(0, 'HMN')))).message).toBe('smd request failed: status 500: db down')
    expect(smd.calls()).toBe(1)
    clock.advance(1)
    expect((await inventory.resolve(fakeNodeIp(0, 'HMN')))?.xname).toBe(fakeXname(0))
    expect(inventory.stats().liveLookups).toEqual({ found: 1, not_found: 0, error: 1 })
    expect(logger.entries.filter((e) => e.message === 'SMD live lookup failed')).toHaveLength(1)
  })

  it('runs one lookup per IP however many ask at once (SMD-11)', async () => {
    const { smd, inventory } = await rig({ nodes: generateFakeNodes(3) })
    smd.inject('interfacesByIp', { delayMs: 200 }, 1)
    const nodes = await Promise.all(Array.from({ length: 10 }, () => inventory.resolve(fakeNodeIp(1, 'HSN'))))
    expect(new Set(nodes.map((n) => n?.xname))).toEqual(new Set([fakeXname(1)]))
    expect(smd.calls('interfacesByIp')).toBe(1)
  })

  it('runs at most 8 lookups at once; the 9th is unavailable at once (SMD-11)', async () => {
    const { smd, inventory } = await rig({ nodes: generateFakeNodes(9) })
    smd.inject('interfacesByIp', { delayMs: 300 }, 8)
    const first8 = Array.from({ length: 8 }, (_, i) => inventory.resolve(fakeNodeIp(i, 'HMN')))
    const ninth = await rejection(inventory.resolve(fakeNodeIp(8, 'HMN')))
    expect(isMetadataError(ninth, 'INVENTORY_UNAVAILABLE')).toBe(true)
    expect(ninth.message).toBe('too many live SMD lookups in flight')
    expect((await Promise.all(first8)).map((n) => n?.xname)).toEqual(Array.from({ length: 8 }, (_, i) => fakeXname(i)))
    // Not cached as an error: once a slot is free it works.
    expect((await inventory.resolve(fakeNodeIp(8, 'HMN')))?.xname).toBe(fakeXname(8))
    expect(smd.calls('interfacesByIp')).toBe(9)
  })

  it('keeps the generation when a live lookup finds a node the snapshot lacks; the next sync brings it in (issue 19)', async () => {
    const { smd, inventory } = await rig({ nodes: generateFakeNodes(3) })
    expect(await inventory.syncNow()).toBe(true)
    smd.setNodes(generateFakeNodes(4)) // a node added to SMD after the sync
    const generation = inventory.generation()
    expect((await inventory.resolve(fakeNodeIp(3, 'HMN')))?.xname).toBe(fakeXname(3))
    expect(inventory.stats().liveLookups.found).toBe(1)
    // Caches and walks keyed on the generation (the rendered documents of the other nodes) stay.
    expect(inventory.generation()).toBe(generation)
    expect([...inventory.nodes()].map((n) => n.xname)).toEqual([0, 1, 2].map(fakeXname))
    expect(await inventory.syncNow()).toBe(true)
    expect(inventory.generation()).toBeGreaterThan(generation)
    expect([...inventory.nodes()].map((n) => n.xname)).toEqual([0, 1, 2, 3].map(fakeXname))
  })

  it('keeps overlay results until the next successful sync, which then wins (SMD-11)', async () => {
    const { smd, inventory } = await rig({ nodes: generateFakeNodes(2) })
    const live = await inventory.resolve(fakeNodeIp(0, 'HMN'))
    expect(live?.groups).toEqual(['compute', 'rack0'])
    const gen = inventory.generation()
    ;(smd.data.memberships[0] as { groupLabels: string[] }).groupLabels.push('ntp')
    smd.touch()
    expect(await inventory.syncNow()).toBe(true)
    expect(inventory.generation()).toBeGreaterThan(gen)
    expect((await inventory.resolve(fakeNodeIp(0, 'HMN')))?.groups).toEqual(['compute', 'rack0', 'ntp'])
  })

  it('looks up a node by xname before the first sync, not after (SMD-9)', async () => {
    const { smd, inventory } = await rig({ nodes: generateFakeNodes(2) })
    expect((await inventory.node(fakeXname(1)))?.nid).toBe(2)
    expect(await inventory.node('x9c9s9b9n9')).toBeUndefined()
    expect(smd.calls()).toBe(8)
    await inventory.syncNow()
    expect(await inventory.node('x8c8s8b8n8')).toBeUndefined()
    expect(smd.calls()).toBe(12)
  })

  it('without sync, fetches live and caches for the interval (SMD-10)', async () => {
    const clock = createFixedClock()
    const { smd, inventory } = await rig({ nodes: generateFakeNodes(2) }, { clock, syncEnabled: false, syncIntervalSec: 60 })
    await inventory.start()
    expect(inventory.health().ready).toBe(true)
    expect((await inventory.resolve(fakeNodeIp(1, 'HMN')))?.xname).toBe(fakeXname(1))
    clock.advance(59_999)
    expect((await inventory.resolve(fakeNodeIp(1, 'HSN')))?.xname).toBe(fakeXname(1))
    expect(smd.calls()).toBe(5)
    clock.advance(1)
    expect((await inventory.resolve(fakeNodeIp(1, 'HMN')))?.xname).toBe(fakeXname(1))
    expect(smd.calls()).toBe(10)
    expect(smd.calls('components')).toBe(0)
  })

  it('matches an address in canonical form (ID-1)', async () => {
    const { inventory } = await rig({
      nodes: [{ xname: 'x1', nid: 1, interfaces: [{ mac: 'aa', ips: [{ ip: 'FD00::1A', network: 'HMN' }] }] }],
    })
    await inventory.syncNow()
    expect((await inventory.resolve('fd00::1a'))?.xname).toBe('x1')
    expect((await inventory.resolve('fd00:0:0::1a'))?.xname).toBe('x1')
  })

  it('turns a token failure into INVENTORY_UNAVAILABLE for callers (ID-4, TOK-9)', async () => {
    const tokens = createFakeTokenSource({ mode: 'mtls' })
    tokens.setUnhealthy('gone')
    const { smd, inventory } = await rig({ nodes: generateFakeNodes(1) }, { tokenSource: tokens })
    const err = await rejection(inventory.resolve(fakeNodeIp(0, 'HMN')))
    expect(isMetadataError(err, 'INVENTORY_UNAVAILABLE')).toBe(true)
    expect(err.message).toBe('dynamic TokenSmith auth unhealthy: gone')
    expect(smd.calls()).toBe(0)
  })
})
