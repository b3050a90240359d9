import { describe, expect, it, vi } from 'vitest'
import { bootAddress, buildInterfaces } from '@metadata-service/core'
import { createFixedClock } from '@metadata-service/core/testing'
import { fakeNodeIp, fakeXname, generateFakeNodes, type FakeNode } from '../src/testing/index.js'
import { rig as rigOn, SYNC_PLACES } from './_setup.js'

const node = (i: number, groups: string[], extra: Partial<FakeNode> = {}): FakeNode => ({
  xname: fakeXname(i),
  nid: i + 1,
  groups,
  interfaces: [{ mac: `aa:00:00:00:00:0${i}`, ips: [{ ip: fakeNodeIp(i, 'HMN'), network: 'HMN' }] }],
  ...extra,
})

describe.each(SYNC_PLACES)('SMD sync on %s (SMD-7, SMD-8, SMD-9)', (syncIn) => {
  const rig: typeof rigOn = (smdOptions, options = {}) => rigOn(smdOptions, { ...options, syncIn })

  it('resolves 2,000 nodes listed HSN-first from either address, with 4 calls and none per request', async () => {
    const { smd, inventory } = await rig({ nodes: generateFakeNodes(2_000, { hsnFirst: true }) })
    expect(await inventory.syncNow()).toBe(true)
    expect(smd.calls()).toBe(4)
    const expected: string[] = []
    const byHmn: Array<string | undefined> = []
    const byHsn: Array<string | undefined> = []
    for (let i = 0; i < 2_000; i++) {
      expected.push(fakeXname(i))
      byHmn.push((await inventory.resolve(fakeNodeIp(i, 'HMN')))?.xname)
      byHsn.push((await inventory.resolve(fakeNodeIp(i, 'HSN')))?.xname)
    }
    expect(new Set(expected).size).toBe(2_000)
    expect(byHmn).toEqual(expected)
    expect(byHsn).toEqual(expected)
    const n7 = await inventory.resolve(fakeNodeIp(7, 'HSN'))
    // SMD order is kept (HSN first); the boot address is still the HMN one (NC-8).
    expect(n7?.interfaces.map((i) => i.ipAddresses[0]?.network)).toEqual(['HSN', 'HMN'])
    expect(n7 && bootAddress(n7)).toEqual({ ip: fakeNodeIp(7, 'HMN'), mac: '02:aa:00:00:07:01' })
    expect(n7?.groups).toEqual(['compute', 'rack0'])
    expect(n7?.nics.map((n) => [n.redfishId, n.mac, n.enabled])).toEqual([
      ['1', '02:bb:00:00:07:01', true],
      ['2', '02:aa:00:00:07:01', true],
    ])
    expect(n7?.role).toBe('Compute')
    expect(inventory.health()).toMatchObject({ ready: true, stale: false, nodes: 2_000, ips: 4_000 })
    // nodes() lists the snapshot in SMD order, the same objects resolve hands out.
    const listed = [...inventory.nodes()]
    expect(listed.map((n) => n.xname)).toEqual(expected)
    expect(listed[7]).toBe(n7)
    // Between syncs nothing reaches SMD (SMD-9, OPS-7).
    expect(smd.calls()).toBe(4)
  })

  it('keeps the generation and the node objects when SMD changed nothing, bumps it when it did (SMD-9, OPS-7)', async () => {
    const { smd, inventory } = await rig({ nodes: generateFakeNodes(50) })
    expect(await inventory.syncNow()).toBe(true)
    const gen = inventory.generation()
    const nodes = [...inventory.nodes()]
    expect(await inventory.syncNow()).toBe(true)
    expect(inventory.generation()).toBe(gen)
    expect([...inventory.nodes()]).toEqual(nodes)
    expect([...inventory.nodes()].every((n, i) => n === nodes[i])).toBe(true)
    expect(inventory.stats()).toMatchObject({ syncSuccesses: 2, nodes: 50 })
    smd.setNodes(generateFakeNodes(51))
    expect(await inventory.syncNow()).toBe(true)
    expect(inventory.generation()).toBeGreaterThan(gen)
    expect([...inventory.nodes()][0]).toEqual(nodes[0])
    expect((await inventory.resolve(fakeNodeIp(50, 'HSN')))?.xname).toBe(fakeXname(50))
  })

  it('makes 1 call per sync path and none for 100 lookups (AT-22)', async () => {
    const { smd, inventory } = await rig({ nodes: generateFakeNodes(3) })
    await inventory.syncNow()
    for (let k = 0; k < 100; k++) {
      expect((await inventory.resolve(fakeNodeIp(k % 3, 'HMN')))?.xname).toBe(fakeXname(k % 3))
      expect((await inventory.node(fakeXname(k % 3)))?.nid).toBe((k % 3) + 1)
    }
    expect(await inventory.node('x9999c9s9b0n0')).toBeUndefined() // the snapshot is authoritative for xnames
    expect(['components', 'interfaces', 'memberships', 'endpoints'].map((r) => smd.calls(r as never))).toEqual([1, 1, 1, 1])
    expect(smd.calls()).toBe(4)
  })

  it('swaps all or nothing, keeps groups through a failed sync, and counts failures (SMD-7, AT-24)', async () => {
    const { smd, inventory, logger } = await rig({ nodes: [node(0, ['compute'])] })
    await inventory.syncNow()
    const gen = inventory.generation()
    expect((await inventory.node(fakeXname(0)))?.groups).toEqual(['compute'])

    smd.setNodes([node(0, ['compute', 'ntp']), node(1, ['compute'])])
    expect(await inventory.syncNow()).toBe(true)
    expect((await inventory.node(fakeXname(0)))?.groups).toEqual(['compute', 'ntp'])
    expect(inventory.generation()).toBeGreaterThan(gen)

    smd.setNodes([node(0, ['other']), node(1, ['other']), node(2, ['other'])])
    smd.inject('memberships', { status: 500, body: 'boom' })
    const before = inventory.generation()
    expect(await inventory.syncNow()).toBe(false)
    expect((await inventory.node(fakeXname(0)))?.groups).toEqual(['compute', 'ntp'])
    expect(await inventory.node(fakeXname(2))).toBeUndefined()
    expect(inventory.generation()).toBe(before)
    expect(inventory.stats()).toMatchObject({ syncSuccesses: 2, syncFailures: 1, nodes: 2 })
    expect(inventory.health()).toMatchObject({ ready: true, lastError: 'smd request failed: status 500: boom' })
    expect(logger.entries.at(-1)).toEqual({
      level: 'warn',
      message: 'SMD sync failed; keeping the previous snapshot',
      fields: { error: 'smd request failed: status 500: boom', failures: 1 },
    })
  })

  it('serves a stale snapshot while SMD answers 500, health still ready (SMD-8, AT-27)', async () => {
    const clock = createFixedClock()
    const { smd, inventory } = await rig({ nodes: generateFakeNodes(3) }, { clock, syncIntervalSec: 1 })
    await inventory.syncNow()
    smd.inject('*', { status: 500, body: 'down' })
    for (let s = 1; s <= 5; s++) {
      clock.advance(1_000)
      expect(await inventory.syncNow()).toBe(false)
      expect((await inventory.resolve(fakeNodeIp(1, 'HMN')))?.xname).toBe(fakeXname(1))
      expect(inventory.health()).toMatchObject({ ready: true, stale: s > 2 })
    }
    expect(inventory.stats()).toMatchObject({ stale: true, syncFailures: 5, syncAgeSec: 5 })
    smd.clearInjections()
    await inventory.syncNow()
    expect(inventory.health().stale).toBe(false)
  })

  it('parses NICs in EthernetNICInfo or EthNICInfo, absent InterfaceEnabled, labels in groupLabels or Groups (AT-26)', async () => {
    const { inventory } = await rig({
      nodes: [
        node(0, ['a'], { nicField: 'EthernetNICInfo' }),
        node(1, ['b', 'c'], { nicField: 'EthNICInfo', membershipField: 'Groups' }),
        node(2, ['d'], { omitInterfaceEnabled: true, membershipField: 'GroupLabels' }),
        node(3, [], { nicField: 'none', nid: '44' }),
      ],
    })
    await inventory.syncNow()
    const [n0, n1, n2, n3] = await Promise.all([0, 1, 2, 3].map((i) => inventory.node(fakeXname(i))))
    expect([n0?.groups, n1?.groups, n2?.groups, n3?.groups]).toEqual([['a'], ['b', 'c'], ['d'], []])
    expect(n0 && buildInterfaces(n0)).toEqual([
      { description: 'Node Management Network', enabled: true, ip: '10.252.0.1', mac: 'aa:00:00:00:00:00', name: 'eth0', network: 'HMN', redfishid: '1' },
    ])
    expect(n1?.nics.map((n) => n.mac)).toEqual(['aa:00:00:00:00:01'])
    expect(n2?.nics.map((n) => n.enabled)).toEqual([false])
    expect(n3?.nics).toEqual([])
    expect(n3?.nid).toBe(44)
  })

  it('retries the first sync from 1 s, reports pending until then, and serves known IPs live meanwhile (SMD-8, SMD-14, AT-25)', async () => {
    const { smd, inventory } = await rig({ nodes: generateFakeNodes(3) })
    // Two failures: the first attempt and the retry 1 s later, so the checks below have seconds to run.
    smd.inject('interfaces', { status: 500, body: 'not yet' }, 2)
    await inventory.start()
    await vi.waitFor(() => expect(inventory.stats().syncFailures).toBeGreaterThanOrEqual(1))
    expect(inventory.health()).toMatchObject({ ready: false, nodes: 0 })
    // The live lookup uses the IP-filtered call, which works (SMD-11).
    expect((await inventory.resolve(fakeNodeIp(2, 'HMN')))?.xname).toBe(fakeXname(2))
    expect(inventory.stats().liveLookups).toEqual({ found: 1, not_found: 0, error: 0 })
    // Retries at +1 s (fails) and +3 s (succeeds): backoff from 1 s, doubling (SMD-8).
    await vi.waitFor(() => expect(inventory.health().ready).toBe(true), { timeout: 10_000 })
    expect(inventory.stats()).toMatchObject({ syncSuccesses: 1, syncFailures: 2, nodes: 3 })
  })

  it('syncs again every interval once started (SMD-8)', async () => {
    const { smd, inventory, events } = await rig({ nodes: generateFakeNodes(2) }, { syncIntervalSec: 0.1 })
    await inventory.start()
    // A child process per sync starts in ~0.1-0.5 s on a loaded machine: wait longer than vi.waitFor's 1 s.
    await vi.waitFor(() => expect(inventory.stats().syncSuccesses).toBeGreaterThanOrEqual(3), { timeout: 10_000 })
    await inventory.close()
    const calls = smd.calls()
    expect(calls % 4).toBe(0)
    expect(events.filter((e) => e.type === 'sync').every((e) => e.type === 'sync' && e.ok)).toBe(true)
  })

  it('reports the initial refresh as pending until the first sync, and ready at once without sync (SMD-10, SMD-14)', async () => {
    const pending = await rig({ nodes: generateFakeNodes(1) })
    expect(pending.inventory.health()).toEqual({ ready: false, stale: false, nodes: 0, ips: 0 })
    const noSync = await rig({ nodes: generateFakeNodes(1) }, { syncEnabled: false })
    await noSync.inventory.start()
    expect(noSync.inventory.health()).toEqual({ ready: true, stale: false, nodes: 0, ips: 0 })
    expect(noSync.smd.calls()).toBe(0)
  })

  it('treats a sync interval of 0 or less as 60 s (SMD-8)', async () => {
    const clock = createFixedClock()
    const { inventory } = await rig({ nodes: generateFakeNodes(1) }, { clock, syncIntervalSec: 0 })
    await inventory.syncNow()
    clock.advance(120_000)
    expect(inventory.health().stale).toBe(false)
    clock.advance(1)
    expect(inventory.health().stale).toBe(true)
  })
})
