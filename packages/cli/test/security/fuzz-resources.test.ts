import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectJsonRefusal, send, startFuzzServer, storeState, type FuzzServer, type RawAnswer } from './_fuzz-server.js'

// Bad input over the real HTTP stack (RES-8, RES-9, TPL-4, SEC-5): arbitrary JSON and bytes as resource bodies,
// PATCH bodies in the three RES-6 formats, and template sources through Group create. Every answer is below 500;
// every refusal is a 4xx JSON error with a message, and leaves the store (generation and files on disk) unchanged.

const COLLECTIONS = ['/clusterdefaultss', '/groups', '/instanceinfos', '/wireguardpeers'] as const
const PATCH_TYPES = ['application/merge-patch+json', 'application/json-patch+json', 'application/shorthand-patch+json'] as const
const SPEC_FIELDS = [
  'description', 'base_url', 'cluster_name', 'short_name', 'nid_length', 'public_keys', 'template', 'metaData',
  'osVersion', 'instance_id', 'hostname', 'cloud_init_base_url', 'public_key', 'allowed_ip', 'bogus',
] as const
const RUNS = 250
// Thousands of real HTTP round trips per property: far above the default per-test limit on a busy CI machine.
const TIMEOUT_MS = 180_000

let server: FuzzServer
let groupUid: string
let cases = 0

beforeAll(async () => {
  server = await startFuzzServer()
  const created = await post('/groups', JSON.stringify({ metadata: { name: 'target' }, spec: { description: 'patched by fuzz' } }))
  expect(created.status).toBe(201)
  groupUid = (JSON.parse(created.body) as { metadata: { uid: string } }).metadata.uid
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
  const before = await storeState(server)
  const answer = await send(server.port, method, path, { body, headers: type === undefined ? {} : { 'Content-Type': type } })
  expect({ context, status: answer.status < 500 ? 'below 500' : answer.body }).toEqual({ context, status: 'below 500' })
  if (answer.status >= 400) {
    const error = expectJsonRefusal(answer, context)
    expect(await storeState(server)).toEqual(before)
    return error
  }
  if (method === 'POST' && answer.status === 201) {
    const uid = (JSON.parse(answer.body) as { metadata: { uid: string } }).metadata.uid
    expect((await send(server.port, 'DELETE', `${path}/${uid}`)).status).toBe(200)
  }
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

describe('resource bodies (RES-8, RES-9)', () => {
  it('arbitrary JSON on every collection: no 5xx, refusals are JSON errors that store nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...COLLECTIONS), fc.oneof(fc.jsonValue(), requestLike), async (path, value) => {
        await check('POST', path, JSON.stringify(value), 'application/json', { path, value })
      }),
      { numRuns: RUNS * 2 },
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
      { numRuns: RUNS },
    )
  }, TIMEOUT_MS)

  it('bodies that are not JSON name the parse failure', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string().filter((s) => !isJson(s)), async (text) => {
        expect(await check('POST', '/groups', text, 'application/json', { text })).toMatch(/^invalid request body: /)
      }),
      { numRuns: RUNS },
    )
  }, TIMEOUT_MS)

  it('PUT and status writes with arbitrary JSON on an existing Group', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('', '/status'), fc.oneof(fc.jsonValue(), requestLike), async (suffix, value) => {
        await check('PUT', `/groups/${groupUid}${suffix}`, JSON.stringify(value), 'application/json', { suffix, value })
      }),
      { numRuns: RUNS },
    )
  }, TIMEOUT_MS)
})

describe('PATCH bodies in the three RES-6 formats', () => {
  const pointer = fc.oneof(
    fc.constantFrom('', '/', '/description', '/metaData', '/metaData/a', '/metaData/~1x', '/template', '/bogus', '/metaData/-', '/0'),
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
    fc.oneof(fc.constantFrom('description', 'metaData.a', 'metaData.b.c', 'template', 'a.b', '.', '..', ''), fc.string()),
    fc.oneof(fc.constant(null), fc.jsonValue()),
  )

  it('merge, JSON Patch and shorthand: no 5xx; a refused patch leaves the Group as it was', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PATCH_TYPES),
        fc.oneof(fc.jsonValue(), fc.array(operation, { maxLength: 6 }), shorthand),
        fc.constantFrom('', '/status'),
        async (type, value, suffix) => {
          const error = await check('PATCH', `/groups/${groupUid}${suffix}`, JSON.stringify(value), type, { type, value, suffix })
          if (error !== undefined) expect(error).toMatch(/^(invalid request body|validation failed|failed to apply patch to spec): /)
        },
      ),
      { numRuns: RUNS * 3 },
    )
  }, TIMEOUT_MS)
})

describe('template sources through Group create (TPL-4)', () => {
  const tokens = fc.constantFrom(
    '{{', '}}', '{{{', '}}}', '{{#', '{{/', '{{^', '{{>', '{{&', '{{!', '{{=', '=}}', '<% %>', '{%', '%}', '#cloud-config\n',
    '## template: jinja\n', 'hostname', 'vendor_data.groups.x', 'ds.', 'meta_data.instance-id', '.', ' ', '\n', ':', '- ',
    '[', ']', '"', "'", '\t', 'interfaces', 'name', 'x', '\u0000', '\ud83d\ude00',
  )
  const template = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.array(tokens, { maxLength: 40 }).map((t) => t.join('')))

  it('is created (201) or refused with a TPL-4 "validation failed" 400; a refusal stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(template, fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }), async (source, metaData) => {
        const body = JSON.stringify({ metadata: { name: 'fuzz-template' }, spec: { template: source, metaData } })
        const error = await check('POST', '/groups', body, 'application/json', { source, metaData })
        if (error !== undefined) expect(error).toMatch(/^validation failed: /)
      }),
      { numRuns: RUNS * 2 },
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
