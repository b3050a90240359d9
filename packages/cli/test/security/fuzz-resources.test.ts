import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fuzzParameters, hostileJson, hostileString } from '@metadata-service/core/testing'
import {
  deepJsonBody,
  expectJsonRefusal,
  expectSane,
  fuzzBody,
  guardStore,
  send,
  startFuzzServer,
  type FuzzServer,
  type RawAnswer,
  type StoreGuard,
} from './_fuzz-server.js'

// Bad input over the real HTTP stack (RES-8, RES-9, TPL-4, SEC-5): arbitrary JSON and bytes as resource bodies,
// PATCH bodies in the three RES-6 formats (template sources: fuzz-templates.test.ts). Every answer is below 500;
// every refusal is a 4xx JSON error with a message, and leaves the store (generation and files on disk) unchanged.

const COLLECTIONS = ['/clusterdefaultss', '/groups', '/instanceinfos', '/wireguardpeers'] as const
const PATCH_TYPES = ['application/merge-patch+json', 'application/json-patch+json', 'application/shorthand-patch+json'] as const
const SPEC_FIELDS = [
  'description', 'base_url', 'cluster_name', 'short_name', 'nid_length', 'public_keys', 'template', 'metaData',
  'osVersion', 'instance_id', 'hostname', 'cloud_init_base_url', 'public_key', 'allowed_ip', 'bogus',
] as const
const RUNS = 150
// Thousands of real HTTP round trips per property: far above the default per-test limit on a busy CI machine.
const TIMEOUT_MS = 180_000

let server: FuzzServer
let store: StoreGuard
let cases = 0
/** One existing resource of each kind, the target of PUT, PATCH and status writes: `/<collection>/<uid>`. */
const targets: string[] = []

// Valid specs of the four kinds (the WireGuardPeer address inside the fuzz server's pool, WG-11).
const TARGET_SPECS: ReadonlyArray<readonly [string, object]> = [
  ['/clusterdefaultss', { base_url: 'http://mds.local:8080', cluster_name: 'demo' }],
  ['/groups', { description: 'patched by fuzz' }],
  ['/instanceinfos', { instance_id: 'x1000c0s0b0n0' }],
  ['/wireguardpeers', { public_key: 'jDWl+QQSuqwmEJnGwC+kXh8Xu0aN8xV/eOEJmzUMRGk=', allowed_ip: '100.97.0.2/32' }],
]

beforeAll(async () => {
  server = await startFuzzServer()
  for (const [collection, spec] of TARGET_SPECS) {
    const created = await post(collection, JSON.stringify({ metadata: { name: 'target' }, spec }))
    expect(created.status).toBe(201)
    targets.push(`${collection}/${(JSON.parse(created.body) as { metadata: { uid: string } }).metadata.uid}`)
  }
  store = await guardStore(server)
})
afterAll(async () => {
  await server.close()
  process.stdout.write(`resource fuzz cases run: ${cases}\n`)
})

function post(path: string, body: string | Uint8Array, type: string | undefined = 'application/json'): Promise<RawAnswer> {
  return send(server.port, 'POST', path, { body, headers: type === undefined ? {} : { 'Content-Type': type } })
}

/**
 * Sends one request and checks the invariants: no 5xx; a refusal is a JSON error and changes nothing; a create
 * that happened to be valid is deleted again, so names stay free for later cases. Returns the error text.
 */
async function check(method: string, path: string, body: string | Uint8Array, type: string | undefined, context: unknown): Promise<string | undefined> {
  cases++
  const answer = await send(server.port, method, path, { body, headers: type === undefined ? {} : { 'Content-Type': type } })
  expectSane(answer, context)
  if (answer.status >= 400) {
    const error = expectJsonRefusal(answer, context)
    await store.expectUnchanged(context)
    return error
  }
  if (method === 'POST' && answer.status === 201) {
    const uid = (JSON.parse(answer.body) as { metadata: { uid: string } }).metadata.uid
    expect((await send(server.port, 'DELETE', `${path}/${uid}`)).status).toBe(200)
  }
  await store.accept()
  return undefined
}

/** Request-shaped JSON that reaches deep into RES-9: right keys, random values and types. */
const requestLike = fc.record(
  {
    apiVersion: fc.oneof(fc.constantFrom('v1', 'v2', 'cloud-init.openchami.io/v1', ''), fc.string(), fc.integer()),
    kind: fc.oneof(fc.constantFrom('Group', 'ClusterDefaults'), fc.string()),
    metadata: fc.oneof(
      fc.record(
        {
          name: fc.oneof(fc.constantFrom('fuzz', '', '..', 'a/b', 'x'.repeat(300), 'fuzz\u0000', 'ünï'), fc.string(), fc.integer()),
          labels: fc.oneof(fc.dictionary(fc.string(), fc.string()), fc.jsonValue()),
          uid: fc.string(),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue(),
    ),
    spec: fc.oneof(fc.dictionary(fc.constantFrom(...SPEC_FIELDS), fc.jsonValue()), fc.jsonValue()),
    status: fc.jsonValue(),
    labels: fc.jsonValue(),
  },
  { requiredKeys: [] },
)

/** One of `targets`, looked up when a case runs (they exist only after beforeAll). */
const target = fc.nat({ max: TARGET_SPECS.length - 1 }).map((i) => targets[i] as string)

/** Any JSON body: arbitrary, request-shaped, with hostile strings, or nested deep. */
const anyBody = fc.oneof(
  fc.jsonValue().map((v) => fuzzBody(JSON.stringify(v))),
  requestLike.map((v) => fuzzBody(JSON.stringify(v))),
  fc
    .record({ metadata: fc.record({ name: hostileString }), spec: fc.dictionary(fc.constantFrom(...SPEC_FIELDS), hostileJson) })
    .map((v) => fuzzBody(JSON.stringify(v))),
  deepJsonBody((inner) => `{"metadata":{"name":"deep"},"spec":{"metaData":${inner}}}`),
  deepJsonBody(),
)

describe('resource bodies (RES-8, RES-9)', () => {
  it('arbitrary JSON on every collection: no 5xx, refusals are JSON errors that store nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...COLLECTIONS), anyBody, async (path, body) => {
        await check('POST', path, body.text, 'application/json', { path, body: body.text.slice(0, 300) })
      }),
      fuzzParameters(RUNS * 2),
    )
  }, TIMEOUT_MS)

  it('arbitrary bytes under any media type: 400 invalid request body or 415, nothing stored', async () => {
    const types = fc.constantFrom('application/json', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', undefined)
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...COLLECTIONS), fc.uint8Array({ maxLength: 4096 }), types, async (path, bytes, type) => {
        const error = await check('POST', path, bytes, type, { path, bytes: Buffer.from(bytes).toString('base64'), type })
        if (error !== undefined && type !== undefined && !type.startsWith('application/json')) {
          expect(error).toMatch(/^unsupported media type: /)
        }
      }),
      fuzzParameters(RUNS),
    )
  }, TIMEOUT_MS)

  it('bodies that are not JSON name the parse failure', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string().filter((s) => !isJson(s)), async (text) => {
        expect(await check('POST', '/groups', text, 'application/json', { text })).toMatch(/^invalid request body: /)
      }),
      fuzzParameters(RUNS),
    )
  }, TIMEOUT_MS)

  it('PUT and status writes with any JSON on an existing resource of every kind', async () => {
    await fc.assert(
      fc.asyncProperty(target, fc.constantFrom('', '/status'), anyBody, async (path, suffix, body) => {
        await check('PUT', `${path}${suffix}`, body.text, 'application/json', { path, suffix, body: body.text.slice(0, 300) })
      }),
      fuzzParameters(RUNS),
    )
  }, TIMEOUT_MS)
})

describe('PATCH bodies in the three RES-6 formats', () => {
  const pointer = fc.oneof(
    fc.constantFrom(
      '', '/', '/description', '/metaData', '/metaData/a', '/metaData/~1x', '/template', '/bogus', '/metaData/-', '/0', '/base_url',
      '/public_keys', '/public_keys/0', '/public_keys/-', '/instance_id', '/hostname', '/allowed_ip', '/public_key', '/ready', '/phase',
    ),
    fc.string().map((s) => `/${s}`),
    fc.string(),
  )
  const operation = fc.record(
    {
      op: fc.oneof(fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test'), fc.string()),
      path: pointer,
      from: pointer,
      value: fc.jsonValue(),
    },
    { requiredKeys: ['op'] },
  )
  const shorthand = fc.dictionary(
    fc.oneof(fc.constantFrom('description', 'metaData.a', 'metaData.b.c', 'template', 'a.b', '.', '..', '', 'base_url', 'hostname', 'allowed_ip'), fc.string()),
    fc.oneof(fc.constant(null), fc.jsonValue(), hostileString),
  )

  it('merge, JSON Patch and shorthand on every kind and its status: no 5xx; a refused patch changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        target,
        fc.constantFrom(...PATCH_TYPES),
        // Texts, as deep ones would overflow fast-check's own printing if they were values.
        fc.oneof(fc.oneof(fc.jsonValue(), fc.array(operation, { maxLength: 6 }), shorthand).map((v) => fuzzBody(JSON.stringify(v))), deepJsonBody()),
        fc.constantFrom('', '/status'),
        async (path, type, body, suffix) => {
          const error = await check('PATCH', `${path}${suffix}`, body.text, type, { path, type, body: body.text.slice(0, 300), suffix })
          if (error !== undefined) expect(error).toMatch(/^(invalid request body|validation failed|failed to apply patch to spec): /)
        },
      ),
      fuzzParameters(RUNS * 3),
    )
  }, TIMEOUT_MS)
})

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}
