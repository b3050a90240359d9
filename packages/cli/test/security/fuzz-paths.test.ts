import fc from 'fast-check'
import { fuzzParameters, QUICKSTART_GROUP_COMPUTE } from '@metadata-service/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectJsonRefusal, expectPlainRefusal, expectSane, send, startFuzzServer, storeState, type FuzzServer } from './_fuzz-server.js'

// Hostile paths over the real HTTP stack: `/{group}.yaml` names (NC-4c) with traversal (`..%2F`, `%2e%2e`), dots,
// unicode, NUL, bad percent-encoding (`%ZZ`) and names up to 10,000 characters, and resource uids the same way.
// No 5xx, a plain-text (NoCloud) or JSON (resource API) 4xx with a message, nothing read from outside the store,
// nothing stored.

const N0 = { 'X-Forwarded-For': '10.252.0.26' } // from loopback, a trusted proxy (ID-2)
const RUNS = 250
const TIMEOUT_MS = 180_000

let server: FuzzServer
let cases = 0

beforeAll(async () => {
  server = await startFuzzServer()
  const res = await send(server.port, 'POST', '/groups', {
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(QUICKSTART_GROUP_COMPUTE),
  })
  expect(res.status).toBe(201)
})
afterAll(async () => {
  await server.close()
  process.stdout.write(`path fuzz cases run: ${cases}\n`)
})

/** Path pieces that have broken path handling elsewhere; everything else is percent-encoded unicode. */
const piece = fc.oneof(
  fc.constantFrom(
    '..', '.', '/', '%2F', '%2f', '%2e', '%2E', '%2e%2e', '..%2F', '%2e%2e%2f', '%252e', '%ZZ', '%', '%0', '%00', '%C0%AE',
    '%C0%AF', '%E2%80%AE', '%FF', '%5C', '\\', ';', '~', ':', '@', '!', '$', '&', "'", '(', ')', '*', '+', ',', '=', '?',
    '#', 'etc', 'passwd', 'compute', 'green', 'storage', '.yaml', 'rack.1', '%2ecompute', 'COMPUTE', 'groups',
  ),
  fc.string({ unit: 'grapheme', maxLength: 8 }).map(encodeURIComponent),
  fc.stringMatching(/^[!-~]{1,6}$/).filter((s) => !s.includes('#') && !s.includes('?')),
)
const segment = fc.oneof(
  { weight: 8, arbitrary: fc.array(piece, { maxLength: 12 }).map((p) => p.join('')) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 10_000 }).map((n) => 'g'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3_300 }).map((n) => '%C3%A9'.repeat(n).slice(0, 10_000)) },
)

describe('group names in /{group}.yaml (NC-4c, NC-16)', () => {
  it('never 5xx, never a file from outside the store; a refusal says why in plain text', async () => {
    const before = await storeState(server)
    await fc.assert(
      fc.asyncProperty(segment, async (name) => {
        cases++
        const path = `/${name}.yaml`
        const answer = await send(server.port, 'GET', path, { headers: N0 })
        const context = { path: path.length > 200 ? `${path.slice(0, 200)}… (${path.length} chars)` : path }
        expectSane(answer, context)
        // Only the stored compute template (n0 is a member) or an empty document may come back as 200.
        if (answer.status === 200) expect(answer.body, context.path).toMatch(/^#cloud-config\n|^instance-id: |^version: 1\n|^#include\n/)
        // A name holding `/` can land on a resource route (`/groups/x.yaml`): its refusal is JSON.
        else if (answer.type.startsWith('application/json')) expectJsonRefusal(answer, context)
        else expectPlainRefusal(answer, context)
        expect(answer.body).not.toMatch(/root:.*:0:0:|PRIVATE KEY|"apiVersion"/)
      }),
      fuzzParameters(RUNS * 2),
    )
    expect(await storeState(server)).toEqual(before)
  }, TIMEOUT_MS)

  it('names a non-member group exactly, decoded once, and traversal reaches no file', async () => {
    const cases404: [string, string][] = [
      ['/..%2F..%2Fetc%2Fpasswd.yaml', '../../etc/passwd'],
      ['/%2e%2e.yaml', '..'],
      ['/rack.1.yaml', 'rack.1'],
      ['/%252e%252e.yaml', '%2e%2e'],
      ['/caf%C3%A9.yaml', 'café'],
    ]
    for (const [path, group] of cases404) {
      cases++
      const answer = await send(server.port, 'GET', path, { headers: N0 })
      expect({ path, status: answer.status, type: answer.type, body: answer.body }).toEqual({
        path,
        status: 404,
        type: 'text/plain; charset=utf-8',
        body: `node x1000c0s0b0n0 is not a member of group ${group}\n`,
      })
    }
    cases++
    expect((await send(server.port, 'GET', '/compute.yaml', { headers: N0 })).body).toContain('ROLE=compute\n')
  })
})

describe('resource uids in the path (RES-1)', () => {
  it('GET, PUT, PATCH and DELETE of hostile uids: a JSON 4xx, nothing changed', async () => {
    const before = await storeState(server)
    const methods = fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE')
    const collection = fc.constantFrom('/groups', '/clusterdefaultss', '/instanceinfos', '/wireguardpeers')
    await fc.assert(
      fc.asyncProperty(methods, collection, segment, fc.constantFrom('', '/status'), async (method, base, uid, suffix) => {
        cases++
        const path = `${base}/${uid}${suffix}`
        const body = method === 'PUT' || method === 'PATCH' ? JSON.stringify({ metadata: { name: 'x' }, spec: {} }) : undefined
        const answer = await send(server.port, method, path, {
          headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
          ...(body === undefined ? {} : { body }),
        })
        const context = { method, path: path.length > 200 ? `${path.slice(0, 200)}…` : path }
        expectSane(answer, context)
        // `GET /groups/` is the list (RES-1 trailing slash); no hostile uid may be read or written.
        if (answer.status < 300) expect({ context, method }).toEqual({ context, method: 'GET' })
        else if (answer.type.startsWith('application/json')) expectJsonRefusal(answer, context)
        else expectPlainRefusal(answer, context)
      }),
      fuzzParameters(RUNS),
    )
    expect(await storeState(server)).toEqual(before)
  }, TIMEOUT_MS)
})
