import fc from 'fast-check'
import { controlCharacterIn } from '@metadata-service/core'
import { fuzzParameters, hostileString, startPyYaml, type PyYamlChecker } from '@metadata-service/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { expectJsonRefusal, expectSane, guardStore, send, startFuzzServer, type FuzzServer, type StoreGuard } from './_fuzz-server.js'

// Issue 16 fuzz suite, the NoCloud side: ClusterDefaults, InstanceInfo and the node's Groups written with hostile
// strings through the resource API (refusals store nothing), then every document node n0 fetches: no 5xx, bounded
// bodies, and every YAML document we build loads in PyYAML (cloud-init's reader, Debian python3-yaml) to the data
// the resources hold; vendor-data lines carry no control character.

const N0 = { 'X-Forwarded-For': '10.252.0.26' } // from loopback, a trusted proxy (ID-2)
const N0_XNAME = 'x1000c0s0b0n0'
const N0_LABELS = ['compute', 'green'] as const
const RUNS = 60
const TIMEOUT_MS = 180_000

let server: FuzzServer
let store: StoreGuard
let pyyaml: PyYamlChecker
const uids: Record<string, string> = {}
let cases = 0
let accepted = 0

const JSON_HEADERS = { 'Content-Type': 'application/json' }

beforeAll(async () => {
  server = await startFuzzServer()
  pyyaml = await startPyYaml()
  const create = async (collection: string, name: string, spec: object) => {
    const answer = await send(server.port, 'POST', `/${collection}`, { headers: JSON_HEADERS, body: JSON.stringify({ metadata: { name }, spec }) })
    expect(answer.status).toBe(201)
    uids[name] = (JSON.parse(answer.body) as { metadata: { uid: string } }).metadata.uid
  }
  await create('clusterdefaultss', 'cluster', { base_url: 'http://mds.local:8080', cluster_name: 'demo' })
  await create('instanceinfos', N0_XNAME, { instance_id: N0_XNAME })
  for (const label of N0_LABELS) await create('groups', label, { description: label })
  store = await guardStore(server)
})
afterAll(async () => {
  await pyyaml?.close()
  await server?.close()
  process.stdout.write(`document fuzz cases run: ${cases}\n`)
})

/** Mostly strings that pass the line-field rule (indicators, resolver look-alikes, unicode), sometimes any string. */
const lineString = fc.oneof(
  { weight: 4, arbitrary: hostileString.filter((s) => controlCharacterIn(s) === undefined && s.trim() !== '') },
  { weight: 1, arbitrary: hostileString },
)
const url = fc.oneof(fc.constantFrom('', 'http://a.example', 'https://m.example:8443/ci/', 'http://10.0.0.1/x?y=1'), lineString.map((s) => `http://h/${s}`))
const keys = fc.array(lineString, { maxLength: 3 })
const clusterDefaults = fc.record({
  base_url: url.filter((u) => u !== ''),
  cluster_name: lineString,
  short_name: fc.option(lineString, { nil: undefined }),
  region: fc.option(lineString, { nil: undefined }),
  availability_zone: fc.option(lineString, { nil: undefined }),
  cloud_provider: fc.option(lineString, { nil: undefined }),
  public_keys: fc.option(keys, { nil: undefined }),
  description: fc.option(hostileString.map((s) => s.slice(0, 200)), { nil: undefined }),
})
const instanceInfo = fc.record({
  instance_id: fc.oneof(fc.constant(N0_XNAME), lineString),
  hostname: fc.option(lineString, { nil: undefined }),
  local_hostname: fc.option(lineString, { nil: undefined }),
  cloud_init_base_url: fc.option(url, { nil: undefined }),
  public_keys: fc.option(keys, { nil: undefined }),
})
// metaData keys land in document lines (no control characters); values are free text, escaped by the emitter.
const group = fc.record({
  description: fc.option(hostileString, { nil: undefined }),
  metaData: fc.dictionary(lineString, hostileString, { maxKeys: 4, noNullPrototype: true }),
})

/** PUTs one resource; a refusal must be a JSON 4xx that changes nothing. Returns the stored spec, or undefined. */
async function put(collection: string, name: string, spec: object): Promise<Record<string, unknown> | undefined> {
  cases++
  const context = { collection, name, spec }
  const answer = await send(server.port, 'PUT', `/${collection}/${uids[name]}`, { headers: JSON_HEADERS, body: JSON.stringify({ metadata: { name }, spec }) })
  expectSane(answer, context)
  if (answer.status >= 400) {
    expectJsonRefusal(answer, context)
    await store.expectUnchanged(context)
    return undefined
  }
  await store.accept()
  accepted++
  return (JSON.parse(answer.body) as { spec: Record<string, unknown> }).spec
}

/** GETs a document as n0: a 200 within the bounds. */
async function documentOf(path: string, context: unknown): Promise<string> {
  cases++
  const answer = await send(server.port, 'GET', path, { headers: N0 })
  expectSane(answer, { path, context })
  expect({ path, status: answer.status }).toEqual({ path, status: 200 })
  return answer.body
}

/** Parses a YAML document we built and checks PyYAML reads the same data; returns it. */
async function loadsInPyYaml(path: string, text: string): Promise<Record<string, unknown>> {
  const data = parse(text, { version: '1.1' }) as Record<string, unknown>
  expect({ path, text, pyyaml: await pyyaml.check(text, data) }).toEqual({ path, text, pyyaml: { ok: true } })
  return data
}

describe('NoCloud documents over hostile resources (issue 16, NC-5, NC-10, NC-13, NC-15)', () => {
  it('meta-data, network-config, vendor-data, user-data and group documents: no 5xx, PyYAML reads what is stored', async () => {
    await fc.assert(
      fc.asyncProperty(clusterDefaults, instanceInfo, group, group, async (cd, ii, compute, green) => {
        const cdSpec = (await put('clusterdefaultss', 'cluster', cd)) ?? undefined
        const iiSpec = await put('instanceinfos', N0_XNAME, ii)
        const groups = { compute: await put('groups', 'compute', compute), green: await put('groups', 'green', green) }
        const context = { cd, ii, compute, green }

        const metaData = await loadsInPyYaml('/meta-data', await documentOf('/meta-data', context))
        const v1 = (metaData.instance_data as { v1: Record<string, unknown> }).v1
        const vendorData = v1.vendor_data as { groups?: Record<string, Record<string, unknown>> }
        if (cdSpec !== undefined) expect(metaData['cluster-name']).toBe(cdSpec.cluster_name)
        if (typeof iiSpec?.hostname === 'string' && iiSpec.hostname !== '') expect(metaData.hostname).toBe(iiSpec.hostname)
        for (const label of N0_LABELS) {
          const stored = groups[label]?.metaData as Record<string, string> | undefined
          for (const [key, value] of Object.entries(stored ?? {})) {
            expect({ label, key, value: vendorData.groups?.[label]?.[key] }).toEqual({ label, key, value })
          }
        }

        await loadsInPyYaml('/network-config', await documentOf('/network-config', context))
        const include = (await documentOf('/vendor-data', context)).split('\n')
        expect(include[0]).toBe('#include')
        for (const line of include.slice(1, -1)) {
          expect({ line, control: controlCharacterIn(line) }).toEqual({ line, control: undefined })
          expect(line).toMatch(/^https?:\/\/[^\s]+\/[-A-Za-z0-9:._]+\.yaml$/)
        }
        expect(await documentOf('/user-data', context)).toBe('#cloud-config\n')
        for (const label of N0_LABELS) expect(await documentOf(`/${label}.yaml`, context)).toBe('#cloud-config\n')
      }),
      fuzzParameters(RUNS),
    )
    // The documents must be built from hostile content that was stored, not only from refusals.
    expect(accepted).toBeGreaterThan(RUNS * 2)
  }, TIMEOUT_MS)
})
