import fc from 'fast-check'
import { controlCharacterIn } from '@metadata-service/core'
import { fuzzParameters, hostileJson, hostileString } from '@metadata-service/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  deepJsonBody,
  expectJsonRefusal,
  expectPlainRefusal,
  expectSane,
  fuzzBody,
  guardStore,
  send,
  startFuzzServer,
  type FuzzServer,
  type RawAnswer,
  type StoreGuard,
} from './_fuzz-server.js'

// Issue 16 fuzz suite, every other route: `/wg-init` bodies, `/phone-home/{id}` ids, `POST /render` bodies, the
// service routes (`/health`, `/openapi.json`, `/docs`, `/metrics`) and the NoCloud routes with hostile methods,
// query strings and headers, the seed URLs `/n/<token>/…` and the seed token admin API (SEED). No 5xx, bounded bodies, no raw control character in an error, and a refusal (or a
// read) stores nothing. A last test checks that every route `/openapi.json` documents is fuzzed by this suite.

const RUNS = 120
const TIMEOUT_MS = 180_000
const N0_IP = '10.252.0.26'

let server: FuzzServer
let store: StoreGuard
let cases = 0

beforeAll(async () => {
  server = await startFuzzServer()
  // A template for n0's group, so vendor-data carries an `#include` line built from the request's Host (NC-14).
  const body = JSON.stringify({ metadata: { name: 'compute' }, spec: { template: '#cloud-config\nhostname: {{hostname}}\n' } })
  expect((await send(server.port, 'POST', '/groups', { headers: { 'Content-Type': 'application/json' }, body })).status).toBe(201)
  store = await guardStore(server)
})
afterAll(async () => {
  await server?.close()
  process.stdout.write(`endpoint fuzz cases run: ${cases}\n`)
})

/** One request and the invariants; a 4xx (or `readOnly`) must leave the store as it was, a success is taken as known. */
async function request(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Uint8Array; readOnly?: boolean },
  context: unknown,
): Promise<RawAnswer> {
  cases++
  const answer = await send(server.port, method, path, options)
  expectSane(answer, context)
  // HEAD answers carry no body to judge.
  if (answer.status >= 400 && method !== 'HEAD') {
    if (answer.type.startsWith('application/json')) expectJsonRefusal(answer, context)
    else expectPlainRefusal(answer, context)
  }
  if (answer.status >= 400 || options.readOnly === true) await store.expectUnchanged(context)
  else await store.accept()
  return answer
}

const address = fc.oneof(
  fc.constantFrom(N0_IP, '10.252.0.27', '10.252.0.28', '10.9.9.9', '100.97.0.5', '::1', 'fe80::1', '', 'garbage', '10.252.0.26, 1.2.3.4'),
  fc.ipV4(),
  fc.ipV6(),
  hostileString,
)
/** As a header value: what Node's client sends (tab, printable ASCII, Latin-1); it refuses anything else itself. */
const asHeader = (s: string) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?')
const headerValue = hostileString.map(asHeader)
const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64'))
const pathPiece = fc.oneof(
  fc.constantFrom('..', '%2F', '%ZZ', '%', '%00', '%0A', '%E2%80%A8', 'wgpeer-00', 'x1000c0s0b0n0', '10.252.0.26', '%2e%2e', 'a'.repeat(2000)),
  hostileString.map(encodePiece),
)

/** JSON bodies of an admin route: objects of `fields`, any hostile JSON, and `node` nested up to 12,000 levels deep. */
function jsonBodies(fields: fc.Arbitrary<unknown>): fc.Arbitrary<{ readonly text: string }> {
  return fc.oneof(
    fields.map((v) => fuzzBody(JSON.stringify(v))),
    hostileJson.map((v) => fuzzBody(JSON.stringify(v))),
    deepJsonBody((inner) => `{"node":${inner}}`),
  )
}

/** Percent-encoded as a client would send it; a lone surrogate (which no URL can carry) as its UTF-8 replacement. */
function encodePiece(text: string): string {
  return encodeURIComponent(text.replace(/\p{Cs}/gu, '\ufffd'))
}

describe('/wg-init and /phone-home (WG-4, WG-10)', () => {
  it('/wg-init: any body, media type and client: a 202 or a plain 4xx that allocates nothing', async () => {
    const body = fc.oneof(
      key32.map((k) => fuzzBody(JSON.stringify({ public_key: k }))),
      fc.record({ public_key: fc.oneof(key32, hostileString, fc.constant(null)), extra: hostileJson }, { requiredKeys: [] }).map((v) => fuzzBody(JSON.stringify(v))),
      hostileJson.map((v) => fuzzBody(JSON.stringify(v))),
      deepJsonBody((inner) => `{"public_key":${inner}}`),
      fc.uint8Array({ maxLength: 512 }).map((b) => fuzzBody(Buffer.from(b).toString('latin1'))),
    )
    const type = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16')
    await fc.assert(
      fc.asyncProperty(body, type, address, async ({ text }, contentType, from) => {
        const context = { text: text.slice(0, 200), contentType, from }
        const answer = await request('POST', '/wg-init', { body: text, headers: { 'Content-Type': contentType, 'X-Forwarded-For': asHeader(from) } }, context)
        expect({ context, status: [202, 400, 403, 404, 413, 415].includes(answer.status) }).toEqual({ context, status: true })
      }),
      fuzzParameters(RUNS),
    )
  }, TIMEOUT_MS)

  it('/phone-home/{id}: any id from any client: a 200 or a plain 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(pathPiece, { minLength: 1, maxLength: 3 }), address, async (pieces, from) => {
        const path = `/phone-home/${pieces.join('')}`
        await request('POST', path, { headers: { 'X-Forwarded-For': asHeader(from) } }, { path: path.slice(0, 200), from })
      }),
      fuzzParameters(RUNS),
    )
  }, TIMEOUT_MS)
})

describe('POST /render (admin preview)', () => {
  it('any body: a JSON 200 or 4xx, bounded, and nothing is ever stored', async () => {
    const fields = fc.record(
      {
        node: fc.oneof(fc.constantFrom('x1000c0s0b0n0', 'x1000c0s1b0n0', 'x9'), hostileString, hostileJson),
        group: fc.oneof(fc.constantFrom('compute', 'green', 'nope', ''), hostileString),
        template: fc.oneof(fc.constantFrom('#cloud-config\nhostname: {{hostname}}\n', '{{#public_keys}}{{.}}{{/public_keys}}', '{{'), hostileString),
        bogus: hostileJson,
      },
      { requiredKeys: [] },
    )
    const body = jsonBodies(fields)
    await fc.assert(
      fc.asyncProperty(body, async ({ text }) => {
        await request('POST', '/render', { body: text, headers: { 'Content-Type': 'application/json' }, readOnly: true }, { text: text.slice(0, 300) })
      }),
      fuzzParameters(RUNS),
    )
  }, TIMEOUT_MS)
})

describe('service and NoCloud routes with hostile methods, queries and headers (SVC, NC, ID-2)', () => {
  const routes = fc.constantFrom(
    '/health', '/openapi.json', '/docs', '/docs/', '/docs/assets/swagger-ui.css', '/metrics', '/meta-data', '/user-data', '/vendor-data',
    '/network-config', '/compute.yaml', '/green.yaml', '/groups', '/wireguardpeers',
  )
  // Methods Node parses (an unknown one gets Node's own bare 400 before any of our code runs).
  const method = fc.constantFrom('GET', 'HEAD', 'GET', 'OPTIONS', 'TRACE', 'DELETE', 'PUT', 'POST', 'PATCH', 'PROPFIND')
  const query = fc.oneof(fc.constant(''), fc.array(pathPiece, { maxLength: 3 }).map((p) => `?${p.join('&')}`), fc.constant('?name=%ZZ&name=x'))
  const headers = fc.record(
    {
      'X-Forwarded-For': address.map(asHeader),
      'X-Forwarded-Host': headerValue,
      'X-Forwarded-Proto': fc.oneof(fc.constantFrom('https', 'http', 'gopher'), headerValue),
      Host: fc.oneof(fc.constantFrom('mds.local:8080', '[::1]:80', 'a/b', 'a b', ''), headerValue),
      'X-Request-ID': headerValue,
      Accept: fc.oneof(fc.constantFrom('application/json;version=v2', 'text/plain', '*/*'), headerValue),
      'If-Match': headerValue,
      Authorization: fc.oneof(fc.constantFrom('Bearer x', 'Basic eA=='), headerValue),
    },
    { requiredKeys: [] },
  )

  it('no 5xx, bounded, nothing stored; vendor-data lines built from the Host carry no control character', async () => {
    await fc.assert(
      fc.asyncProperty(routes, method, query, headers, async (route, verb, q, h) => {
        const path = `${route}${q}`
        const answer = await request(verb, path, { headers: h, readOnly: true }, { verb, path: path.slice(0, 200), headers: h })
        if (route === '/vendor-data' && answer.status === 200 && verb === 'GET') {
          for (const line of answer.body.split('\n')) expect({ line, control: controlCharacterIn(line) }).toEqual({ line, control: undefined })
        }
      }),
      fuzzParameters(RUNS * 2),
    )
  }, TIMEOUT_MS)
})

describe('boot status routes with hostile queries and xnames (BOOT)', () => {
  const value = fc.oneof(
    fc.constantFrom('booting', 'configured', 'stuck,failing', 'idle', 'compute', 'nope', '15m', '1d', '2026-12-01T10:00:00Z', '0', '100001', '-1', ''),
    pathPiece,
  )
  const pair = fc.tuple(fc.constantFrom('state', 'group', 'since', 'until', 'limit', 'x', 'state'), value).map(([k, v]) => `${k}=${v}`)
  const query = fc.array(pair, { maxLength: 4 }).map((pairs) => (pairs.length === 0 ? '' : `?${pairs.join('&')}`))

  it('GET /boot-status and /boot-status/nodes/{xname}: no 5xx, bounded, nothing stored', async () => {
    const path = fc.oneof(
      query.map((q) => `/boot-status${q}`),
      fc.oneof(fc.constantFrom('x1000c0s0b0n0', 'x9', '..', '%ZZ', ''), pathPiece).map((x) => `/boot-status/nodes/${x}`),
      fc.constantFrom('/status', '/status/', '/status/assets/status-page.js', '/status/assets/..%2f..%2fpackage.json', '/status/assets/%00'),
    )
    await fc.assert(
      fc.asyncProperty(path, fc.constantFrom('GET', 'HEAD', 'POST'), async (p, verb) => {
        await request(verb, p, { readOnly: true }, { verb, path: p.slice(0, 200) })
      }),
      fuzzParameters(RUNS),
    )
  }, TIMEOUT_MS)

  it('GET /boot-status/events refuses a bad query at once (a good one streams and is not fuzzed here)', async () => {
    // Only queries with a value no parameter accepts, so every answer is a prompt 400 rather than an open stream.
    const bad = fc.oneof(fc.constantFrom('state=nope', 'limit=-1', 'since=later', 'until=%ZZ', 'state=booting&state=%00'), pathPiece.map((p) => `state=x${p}`))
    await fc.assert(
      fc.asyncProperty(bad, async (q) => {
        const answer = await request('GET', `/boot-status/events?${q}`, { readOnly: true }, { q })
        expect({ q, status: answer.status }).toEqual({ q, status: 400 })
      }),
      fuzzParameters(RUNS / 2),
    )
  }, TIMEOUT_MS)
})

describe('seed URLs and the seed token admin API (SEED, issue 20)', () => {
  /** n0's seed token now, as the admin API hands it out (loopback is an admin peer). */
  async function tokenOfN0(): Promise<string> {
    const [entry] = JSON.parse((await send(server.port, 'GET', '/seed-tokens?node=x1000c0s0b0n0')).body) as Array<{ url: string }>
    return entry!.url.split('/n/')[1]!.slice(0, 32)
  }

  it('/n/<token>/…: any token, document, method and client: n0’s documents for n0’s token only, else a plain 4xx', async () => {
    const real = await tokenOfN0()
    const token = fc.oneof(
      fc.constant(real),
      fc.integer({ min: 0, max: 31 }).map((n) => real.slice(0, n)), // truncated
      fc.constantFrom('=', '==', '%3D', 'A', '%00', '/x', '%2F', '..').map((tail) => `${real}${tail}`), // padded, longer
      fc.tuple(fc.integer({ min: 0, max: 31 }), fc.constantFrom('A', '-', '_', '%41', '+', '/')).map(([i, c]) => `${real.slice(0, i)}${c}${real.slice(i + 1)}`),
      fc.integer({ min: 1, max: 12_000 }).map((n) => 'A'.repeat(n)), // very long
      fc.array(pathPiece, { maxLength: 3 }).map((p) => p.join('')),
    )
    const document = fc.oneof(
      fc.constantFrom('meta-data', 'user-data', 'vendor-data', 'network-config', 'compute.yaml', 'green.yaml', 'meta-data/', 'x', '%ZZ.yaml', ''),
      pathPiece.map((p) => `${p}.yaml`),
    )
    const method = fc.constantFrom('GET', 'GET', 'HEAD', 'POST', 'DELETE')
    await fc.assert(
      fc.asyncProperty(token, document, method, address, async (t, doc, verb, from) => {
        const path = `/n/${t}/${doc}`
        const context = { path: path.length > 200 ? `${path.slice(0, 200)}… (${path.length} chars)` : path, verb, from }
        const answer = await request(verb, path, { headers: { 'X-Forwarded-For': asHeader(from) }, readOnly: true }, context)
        if (answer.status < 400) {
          // Only n0's own token ever opens a document, and then it is n0's.
          expect({ context, status: answer.status, token: t === real }).toEqual({ context, status: 200, token: true })
          if (verb === 'GET' && doc.startsWith('meta-data')) expect(answer.body).toContain('instance-id: x1000c0s0b0n0\n')
        } else if (t !== real) {
          expect({ context, status: [400, 404, 405].includes(answer.status) }).toEqual({ context, status: true })
          if (verb === 'GET') expect(answer.body).not.toMatch(/x\d+c\d+s\d+b\d+n\d+/)
        }
      }),
      fuzzParameters(RUNS * 2),
    )
  }, TIMEOUT_MS)

  it('GET /seed-tokens and POST /seed-tokens/rotate: hostile queries and bodies: a JSON 200 or 4xx', async () => {
    const value = fc.oneof(fc.constantFrom('x1000c0s0b0n0', 'x9', 'compute', 'nope', '', 'http://10.252.0.1:8080', 'ftp://x', 'http://a/?q', '%ZZ'), pathPiece)
    const pair = fc.tuple(fc.constantFrom('node', 'group', 'base', 'all', 'x'), value).map(([k, v]) => `${k}=${v}`)
    const query = fc.array(pair, { maxLength: 3 }).map((pairs) => (pairs.length === 0 ? '' : `?${pairs.join('&')}`))
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const answer = await request('GET', `/seed-tokens${q}`, { readOnly: true }, { q: q.slice(0, 200) })
        expect({ q, type: answer.type.startsWith('application/json') }).toEqual({ q, type: true })
      }),
      fuzzParameters(RUNS),
    )
    const fields = fc.record(
      {
        node: fc.oneof(fc.constantFrom('x1000c0s0b0n0', 'x9', ''), hostileString, hostileJson),
        group: fc.oneof(fc.constantFrom('compute', 'nope', ''), hostileString),
        all: fc.oneof(fc.constantFrom(true, false, 'true', 1), hostileJson),
        base: fc.oneof(fc.constantFrom('http://10.252.0.1:8080', 'https://mds.example/x', 'ftp://x', 'http://a/?q=1', ''), hostileString),
        bogus: hostileJson,
      },
      { requiredKeys: [] },
    )
    const body = jsonBodies(fields)
    await fc.assert(
      fc.asyncProperty(body, async ({ text }) => {
        const answer = await request('POST', '/seed-tokens/rotate', { body: text, headers: { 'Content-Type': 'application/json' } }, { text: text.slice(0, 300) })
        expect({ text: text.slice(0, 300), type: answer.type.startsWith('application/json') }).toEqual({ text: text.slice(0, 300), type: true })
      }),
      fuzzParameters(RUNS),
    )
  }, TIMEOUT_MS)
})

describe('coverage', () => {
  // Every route of /openapi.json and the fuzz test that drives it (issue 16: "over every route and body type").
  const FUZZED: Readonly<Record<string, string>> = {
    'GET /health': 'fuzz-endpoints (service routes)',
    'GET /openapi.json': 'fuzz-endpoints (service routes)',
    'GET /docs': 'fuzz-endpoints (service routes)',
    'GET /docs/assets/{file}': 'fuzz-endpoints (service routes)',
    'GET /metrics': 'fuzz-endpoints (service routes)',
    'GET /meta-data': 'fuzz-documents, fuzz-endpoints',
    'GET /user-data': 'fuzz-documents, fuzz-endpoints',
    'GET /vendor-data': 'fuzz-documents, fuzz-endpoints',
    'GET /network-config': 'fuzz-documents, fuzz-endpoints',
    'GET /{group}.yaml': 'fuzz-paths, fuzz-documents, fuzz-templates',
    'POST /render': 'fuzz-endpoints (render)',
    'POST /wg-init': 'fuzz-endpoints (wg-init)',
    'POST /phone-home/{id}': 'fuzz-endpoints (phone-home)',
    'GET /boot-status': 'fuzz-endpoints (boot status)',
    'GET /boot-status/nodes/{xname}': 'fuzz-endpoints (boot status)',
    'GET /boot-status/events': 'fuzz-endpoints (boot status: refusals)',
    'GET /status': 'fuzz-endpoints (boot status)',
    'GET /status/assets/{file}': 'fuzz-endpoints (boot status)',
    'GET /seed-tokens': 'fuzz-endpoints (seed token admin API)',
    'POST /seed-tokens/rotate': 'fuzz-endpoints (seed token admin API)',
    ...Object.fromEntries(
      ['meta-data', 'user-data', 'vendor-data', 'network-config', '{group}.yaml'].map((d) => [`GET /n/{token}/${d}`, 'fuzz-endpoints (seed URLs)']),
    ),
    ...Object.fromEntries(
      ['clusterdefaultss', 'groups', 'instanceinfos', 'wireguardpeers'].flatMap((c) => [
        [`GET /${c}`, 'fuzz-endpoints'],
        [`POST /${c}`, 'fuzz-resources (bodies, bytes)'],
        [`GET /${c}/{uid}`, 'fuzz-paths (uids)'],
        [`PUT /${c}/{uid}`, 'fuzz-resources (PUT), fuzz-paths'],
        [`PATCH /${c}/{uid}`, 'fuzz-resources (three formats), fuzz-paths'],
        [`DELETE /${c}/{uid}`, 'fuzz-paths (uids)'],
        [`PUT /${c}/{uid}/status`, 'fuzz-resources (PUT /status)'],
        [`PATCH /${c}/{uid}/status`, 'fuzz-resources (PATCH /status)'],
      ]),
    ),
  }

  it('every route /openapi.json documents is fuzzed', async () => {
    const doc = JSON.parse((await send(server.port, 'GET', '/openapi.json')).body) as { paths: Record<string, Record<string, unknown>> }
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
    expect(documented.filter((route) => FUZZED[route] === undefined)).toEqual([])
  })
})
