import fc from 'fast-check'
import { addressKey, isMetadataError } from '@metadata-service/core'
import { createRecordingLogger } from '@metadata-service/core/testing'
import { afterAll, describe, expect, it } from 'vitest'
import {
  buildSnapshot,
  parseComponents,
  parseEndpoints,
  parseInterfaces,
  parseMemberships,
  type WireBulk,
} from '../src/index.js'
import { rig } from './_setup.js'

// SMD payloads are input from another service (SMD-5, SMD-6, SMD-7): arbitrary JSON must never crash the parser
// or the snapshot builder. A payload that does not fit is refused with INVENTORY_UNAVAILABLE naming the payload
// and the field; a sync fed one over HTTP fails, is logged, and keeps the previous snapshot.

const RUNS = 400
let cases = 0
let built = 0
afterAll(() => {
  process.stdout.write(`SMD payload fuzz cases run: ${cases}\n`)
})

const PARSERS = [
  ['components', parseComponents],
  ['EthernetInterfaces', parseInterfaces],
  ['memberships', parseMemberships],
  ['ComponentEndpoints', parseEndpoints],
] as const

/** Anything at all, including the empty values SMD sends for "none". */
const loose = fc.oneof(fc.jsonValue(), fc.constantFrom(null, '', '  ', 0, true, [], {}))
/** Usually `valid`, sometimes any JSON: right shapes with wrong types deep inside. */
const mostly = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 15, arbitrary: valid }, { weight: 1, arbitrary: loose })
const list = <T>(item: fc.Arbitrary<T>) => fc.array(item, { maxLength: 4 })
const text = fc.oneof(fc.constantFrom('', 'HMN', 'HSN', 'Compute'), fc.string({ maxLength: 12 }), fc.constant(null))
const ip = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('', '10.0.0.1', '::ffff:10.0.0.1', 'not-an-ip', '10.0.0.1/24'), fc.string())
const xname = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('x1', 'x2', 'x3') }, { weight: 1, arbitrary: fc.string() })
const component = fc.record(
  { ID: mostly(xname), NID: mostly(fc.oneof(fc.nat(), fc.constantFrom(' 12 ', '7', '-1', '1e3'))), Role: mostly(text), IP: mostly(ip), MAC: mostly(text) },
  { requiredKeys: ['ID'] },
)
const iface = fc.record(
  {
    ID: mostly(text),
    MACAddress: mostly(fc.stringMatching(/^[0-9a-fA-F:]{0,17}$/)),
    ComponentID: mostly(xname),
    Description: mostly(text),
    IPAddresses: mostly(list(fc.record({ IPAddress: mostly(ip), Network: mostly(text) }, { requiredKeys: [] }))),
  },
  { requiredKeys: [] },
)
const labels = list(fc.oneof(fc.constantFrom('compute', 'blue'), fc.string()))
const membership = fc.record({ id: mostly(xname), groupLabels: mostly(labels), Groups: mostly(labels), GroupLabels: mostly(labels) }, { requiredKeys: ['id'] })
const nic = fc.record(
  { RedfishId: mostly(fc.oneof(fc.string(), fc.integer())), MACAddress: mostly(text), PermanentMACAddress: mostly(text), InterfaceEnabled: mostly(fc.boolean()), Description: mostly(text) },
  { requiredKeys: [] },
)
const endpoint = fc.record(
  { ID: mostly(xname), RedfishSystemInfo: mostly(fc.record({ EthernetNICInfo: mostly(list(nic)), EthNICInfo: mostly(list(nic)) }, { requiredKeys: [] })) },
  { requiredKeys: ['ID'] },
)
const payloads = {
  components: mostly(fc.oneof(fc.record({ Components: mostly(list(component)) }), component)),
  EthernetInterfaces: mostly(list(iface)),
  memberships: mostly(fc.oneof(list(membership), membership)),
  ComponentEndpoints: mostly(fc.oneof(list(endpoint), fc.record({ ComponentEndpoints: list(endpoint) }), endpoint)),
} as const

/** Parses, or checks the refusal is the SMD-6 kind of error; never anything else. */
function parseOrRefuse<T>(parse: (payload: unknown) => T[], payload: unknown): T[] | undefined {
  try {
    const parsed = parse(payload)
    expect(Array.isArray(parsed)).toBe(true)
    return parsed
  } catch (err) {
    expect(isMetadataError(err, 'INVENTORY_UNAVAILABLE'), String(err)).toBe(true)
    expect((err as Error).message.startsWith(`invalid SMD `), (err as Error).message).toBe(true)
    return undefined
  }
}

describe('SMD payload parsing with arbitrary JSON (SMD-5, SMD-6)', () => {
  for (const [what, parse] of PARSERS) {
    it(`${what}: parsed to a list or refused with "invalid SMD … response"`, () => {
      fc.assert(
        fc.property(payloads[what], (payload) => {
          cases++
          parseOrRefuse(parse as (payload: unknown) => unknown[], payload)
        }),
        { numRuns: RUNS },
      )
    })
  }

  it('a snapshot built from any parsed payloads indexes only known nodes and never throws (SMD-9)', () => {
    fc.assert(
      fc.property(payloads.components, payloads.EthernetInterfaces, payloads.memberships, payloads.ComponentEndpoints, (c, i, m, e) => {
        cases++
        const components = parseOrRefuse(parseComponents, c)
        const interfaces = parseOrRefuse(parseInterfaces, i)
        const memberships = parseOrRefuse(parseMemberships, m)
        const endpoints = parseOrRefuse(parseEndpoints, e)
        if (!components || !interfaces || !endpoints) return
        const bulk: WireBulk = { components, interfaces, memberships, endpoints }
        const snapshot = buildSnapshot(bulk, createRecordingLogger())
        built += snapshot.size > 0 ? 1 : 0
        expect(snapshot.size).toBeLessThanOrEqual(components.length)
        // Every address of every node has an owner that the snapshot holds (first owner wins, SMD-9).
        for (const node of snapshot.nodes()) {
          for (const ip of [node.componentIp ?? '', ...node.interfaces.flatMap((f) => f.ipAddresses.map((a) => a.ip))]) {
            if (ip === '') continue
            const owner = snapshot.owner(addressKey(ip))
            expect(owner && snapshot.node(owner.xname)).toBe(owner)
          }
        }
      }),
      { numRuns: RUNS * 2 },
    )
    // Not vacuous: some of the generated inventories did parse into nodes.
    expect(built).toBeGreaterThan(0)
  })
})

describe('SMD payloads over HTTP (SMD-7)', () => {
  const KNOWN = { xname: 'x3000c0s1b0n0', nid: 7, groups: ['compute'], interfaces: [{ mac: 'aa:bb:cc:00:00:01', ips: [{ ip: '10.0.0.100', network: 'HMN' }] }] }
  const routes = fc.constantFrom('components', 'interfaces', 'memberships', 'endpoints' as const)
  const body = fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.string(), fc.constantFrom('', '{', 'null', '[]', '<html>oops</html>'))

  it('a bulk route answering junk fails the sync without a crash; the last good snapshot keeps serving', async () => {
    const { smd, inventory, logger } = await rig({ nodes: [KNOWN] })
    expect(await inventory.syncNow()).toBe(true)
    await fc.assert(
      fc.asyncProperty(routes, body, async (route, text) => {
        cases++
        smd.inject(route, { status: 200, body: text }, 1)
        const ok = await inventory.syncNow()
        smd.clearInjections()
        const node = await inventory.resolve('10.0.0.100')
        // A junk body that happens to be a valid (empty) payload may sync; the node is then gone or still there.
        if (!ok) {
          expect(node?.xname).toBe('x3000c0s1b0n0')
          expect(typeof inventory.health().lastError).toBe('string')
        }
        expect(await inventory.syncNow()).toBe(true)
        expect((await inventory.resolve('10.0.0.100'))?.xname).toBe('x3000c0s1b0n0')
      }),
      { numRuns: 100 },
    )
    expect(logger.entries.filter((e) => e.level === 'error' && /internal|TypeError/.test(JSON.stringify(e)))).toEqual([])
  }, 180_000)
})
