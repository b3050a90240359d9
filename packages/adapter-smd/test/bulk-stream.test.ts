import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { sameNodeTableData, silentLogger, type MetadataError } from '@metadata-service/core'
import {
  buildSnapshot,
  createSmdClient,
  createSmdInventory,
  createStaticTokenSource,
  parseComponents,
  parseEndpoints,
  parseInterfaces,
  parseMemberships,
  type SmdClient,
  type WireBulk,
} from '../src/index.js'
import { fakeNodeIp, fakeSmdData, fakeXname, generateFakeNodes, startFakeSmd, type FakeNode, type FakeSmd } from '../src/testing/index.js'

// The bulk sync reads each payload in cuts as it arrives (SMD-7, OPS-7). Over real HTTP it must give what the
// whole-body path gave (JSON.parse, then the wire.ts schemas, then buildSnapshot): the same snapshot, and for a
// malformed, truncated or misfitting body the same MetadataError code and message (SMD-6).

const ROUTES = {
  components: { path: '/State/Components', parse: parseComponents },
  interfaces: { path: '/Inventory/EthernetInterfaces', parse: parseInterfaces },
  memberships: { path: '/memberships', parse: parseMemberships },
  endpoints: { path: '/Inventory/ComponentEndpoints', parse: parseEndpoints },
} as const
type Route = keyof typeof ROUTES

/** The pre-OPS-7 reading of one body: blank is null, else JSON.parse, then the wire.ts parser. */
function wholeBody(route: Route, text: string): unknown[] | { code: string; message: string } {
  const { path, parse } = ROUTES[route]
  let payload: unknown = null
  if (text.trim() !== '') {
    try {
      payload = JSON.parse(text)
    } catch (err) {
      return { code: 'INVENTORY_UNAVAILABLE', message: `invalid SMD response from ${path}: ${(err as Error).message}` }
    }
  }
  try {
    return (parse as (p: unknown) => unknown[])(payload)
  } catch (err) {
    return { code: (err as MetadataError).code, message: (err as Error).message }
  }
}

const failure = async (p: Promise<unknown>): Promise<{ code: string; message: string } | undefined> => {
  try {
    await p
    return undefined
  } catch (err) {
    return { code: (err as MetadataError).code, message: (err as Error).message }
  }
}

/**
 * Injects `body` into the next call of `route`, once every request of earlier syncs has reached the fake: a sync
 * that failed early leaves its other three requests in flight, and one of them must not take the injection.
 */
async function injectNext(route: Route, body: string): Promise<void> {
  await vi.waitFor(() => expect(smd.calls() % 4).toBe(0))
  smd.inject(route, { status: 200, body }, 1)
}

const NODES = generateFakeNodes(1_500, { hsnFirst: true })
let smd: FakeSmd
let client: SmdClient
let bodies: Record<Route, string>

beforeAll(async () => {
  smd = await startFakeSmd({ nodes: NODES })
  client = createSmdClient({ baseUrl: smd.url, tokenSource: createStaticTokenSource(), userAgentVersion: 'test', timeoutMs: 10_000 })
  const data = fakeSmdData(NODES)
  bodies = {
    components: JSON.stringify({ Components: data.components }),
    interfaces: JSON.stringify(data.interfaces),
    memberships: JSON.stringify(data.memberships),
    endpoints: JSON.stringify({ ComponentEndpoints: data.endpoints }),
  }
})
afterAll(() => smd.close())

/** A real payload broken somewhere: cut short, a byte dropped or one inserted. */
const broken = fc.tuple(
  fc.constantFrom<Route>('components', 'interfaces', 'memberships', 'endpoints'),
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.constantFrom('cut', 'drop', 'insert'),
  fc.constantFrom(',', ']', '}', '{', '"', '\\', 'x', '7', '\n'),
)

describe('bulk payloads read in cuts over HTTP (SMD-6, SMD-7, OPS-7)', () => {
  it('syncs 1,500 nodes into the snapshot the whole-body path builds', async () => {
    const bulk = await client.bulk()
    const reference: WireBulk = {
      components: parseComponents(JSON.parse(bodies.components)),
      interfaces: parseInterfaces(JSON.parse(bodies.interfaces)),
      memberships: parseMemberships(JSON.parse(bodies.memberships)),
      endpoints: parseEndpoints(JSON.parse(bodies.endpoints)),
    }
    const expected = buildSnapshot(reference, silentLogger)
    expect(sameNodeTableData(buildSnapshot(bulk, silentLogger).data, expected.data)).toBe(true)
    const streamed = await client.bulkSnapshot(silentLogger)
    expect(sameNodeTableData(streamed.data, expected.data)).toBe(true)
    expect([...streamed.nodes()]).toEqual([...expected.nodes()])
    expect(streamed.size).toBe(1_500)
    expect(streamed.addresses).toBe(3_000)
  })

  it('fails a broken body with the code and message of JSON.parse + wire.ts', async () => {
    await fc.assert(
      fc.asyncProperty(broken, async ([route, where, how, c]) => {
        const good = bodies[route]
        const at = Math.floor(where * good.length)
        const text = how === 'cut' ? good.slice(0, at) : how === 'drop' ? good.slice(0, at) + good.slice(at + 1) : good.slice(0, at) + c + good.slice(at)
        await injectNext(route, text)
        const got = await failure(client.bulkSnapshot(silentLogger))
        const expected = wholeBody(route, text)
        if (Array.isArray(expected)) expect(got).toBeUndefined()
        else expect(got).toEqual(expected)
      }),
      { numRuns: 60 },
    )
  }, 120_000)

  it.each<[Route, string]>([
    ['components', '{"Components":[{"ID":"x1","NID":1},{"ID":"x2","NID":-4}]}'],
    ['components', '{"Components":[{"ID":"x1"},{"ID":7}],"Components":[{"ID":"x9"}]}'],
    ['components', '{"Components":[{"ID":"x1"}],"ID":"x5","Role":"Storage"}'],
    ['components', '{"Components":[{"ID":"x1"},{"ID":7}],"Other":{"a":[1,2]}}'],
    ['components', '{"Components":[{"ID":"x1"},{"ID":7}] x'],
    ['components', '{"Components":[{"ID":"x1"},{"ID":7},{"ID":"x3"'],
    ['interfaces', '[{"ComponentID":"x1","IPAddresses":[{"IPAddress":"10.0.0.1"},{"IPAddress":5}]}]'],
    ['interfaces', '{"EthernetInterfaces":[]}'],
    ['interfaces', '[{"ComponentID":"x1"},,{}]'],
    ['memberships', '[{"id":"x1","groupLabels":["a"]},{"id":""}]'],
    ['memberships', '{"id":"x1","Groups":["g"]}'],
    ['endpoints', '[{"ID":"x1","RedfishSystemInfo":{"EthernetNICInfo":[{"InterfaceEnabled":"yes"}]}}]'],
    ['endpoints', '{"ComponentEndpoints":[{"ID":"x1"}],"ComponentEndpoints":null}'],
    ['endpoints', '{"ID":"x1","RedfishSystemInfo":null}'],
    ['endpoints', '  '],
  ])('%s answering %s: same outcome as the whole-body path', async (route, text) => {
    await injectNext(route, text)
    const got = await client.bulk().then(
      (bulk) => bulk[route],
      (err: unknown) => ({ code: (err as MetadataError).code, message: (err as Error).message }),
    )
    expect(got).toEqual(wholeBody(route, text))
  })

  it('a misfit deep in a long payload names its index, as the schema of the whole list did', async () => {
    const data = JSON.parse(bodies.interfaces) as Array<Record<string, unknown>>
    data[1_234] = { ...data[1_234], MACAddress: 42 }
    const text = JSON.stringify(data)
    await injectNext('interfaces', text)
    const got = await failure(client.bulkSnapshot(silentLogger))
    expect(got).toEqual(wholeBody('interfaces', text))
    expect(got?.message).toMatch(/^invalid SMD EthernetInterfaces response: 1234\.MACAddress: /)
  })
})

describe('an unchanged SMD gives the same snapshot bytes, a changed one a different snapshot (SMD-9, OPS-7)', () => {
  const node = (i: number, groups: string[], extra: Partial<FakeNode> = {}): FakeNode => ({
    xname: fakeXname(i),
    nid: i + 1,
    groups,
    interfaces: [{ mac: `aa:00:00:00:00:${String(i).padStart(2, '0')}`, ips: [{ ip: fakeNodeIp(i, 'HMN'), network: 'HMN' }] }],
    ...extra,
  })

  it('serves a changed SMD as a fresh build of it', async () => {
    const own = await startFakeSmd({ nodes: [node(0, ['a']), node(1, ['a']), node(2, ['b'])] })
    try {
      const c = createSmdClient({ baseUrl: own.url, tokenSource: createStaticTokenSource(), userAgentVersion: 'test' })
      const inventory = createSmdInventory({ client: c, logger: silentLogger })
      expect(await inventory.syncNow()).toBe(true)
      own.setNodes([node(0, ['a']), node(1, ['a', 'c']), node(2, ['b'], { nid: 99 }), node(3, ['a'])])
      expect(await inventory.syncNow()).toBe(true)
      const [m0, m1, m2, m3] = [...inventory.nodes()]
      expect(m0?.groups).toEqual(['a'])
      expect(m1?.groups).toEqual(['a', 'c'])
      expect(m2?.nid).toBe(99)
      expect(m3?.xname).toBe(fakeXname(3))
      expect([...inventory.nodes()]).toEqual([...(await c.bulkSnapshot(silentLogger)).nodes()])
      expect(await inventory.resolve(fakeNodeIp(3, 'HMN'))).toEqual(m3)
    } finally {
      await own.close()
    }
  })

  it('builds equal bytes for equal inventories and different bytes for different ones', () => {
    const variant = fc.record({
      groups: fc.constantFrom<string[]>(['a'], ['a', 'b'], []),
      nid: fc.constantFrom(1, 2),
      mac: fc.constantFrom('aa:00:00:00:00:01', 'aa:00:00:00:00:02'),
      network: fc.constantFrom('HMN', 'HSN'),
      nicField: fc.constantFrom('EthernetNICInfo' as const, 'EthNICInfo' as const, 'none' as const),
      omitInterfaceEnabled: fc.boolean(),
      present: fc.boolean(),
    })
    const inventory = fc.array(variant, { minLength: 3, maxLength: 3 }).map((vs) =>
      vs.flatMap((v, i) =>
        v.present
          ? [node(i, v.groups, { nid: v.nid, nicField: v.nicField, omitInterfaceEnabled: v.omitInterfaceEnabled, interfaces: [{ mac: v.mac, ips: [{ ip: fakeNodeIp(i, 'HMN'), network: v.network }] }] })]
          : [],
      ),
    )
    const bulkOf = (nodes: FakeNode[]): WireBulk => {
      const data = fakeSmdData(nodes)
      return {
        components: parseComponents({ Components: data.components }),
        interfaces: parseInterfaces(data.interfaces),
        memberships: parseMemberships(data.memberships),
        endpoints: parseEndpoints(data.endpoints),
      }
    }
    fc.assert(
      fc.property(inventory, inventory, (before, after) => {
        const previous = buildSnapshot(bulkOf(before), silentLogger)
        const fresh = buildSnapshot(bulkOf(after), silentLogger)
        const again = buildSnapshot(bulkOf(after), silentLogger)
        expect(sameNodeTableData(again.data, fresh.data)).toBe(true)
        const equalNodes = JSON.stringify([...previous.nodes()]) === JSON.stringify([...fresh.nodes()])
        expect(sameNodeTableData(previous.data, fresh.data)).toBe(equalNodes)
        for (const n of fresh.nodes()) expect(Object.isFrozen(n) && Object.isFrozen(n.interfaces) && Object.isFrozen(n.nics)).toBe(true)
      }),
      { numRuns: 300 },
    )
  })
})
