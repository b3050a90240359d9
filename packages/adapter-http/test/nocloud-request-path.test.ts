import { describe, expect, it } from 'vitest'
import { QUICKSTART_CLUSTER_DEFAULTS, QUICKSTART_GROUP_COMPUTE, QUICKSTART_GROUP_GREEN } from '@metadata-service/core/testing'
import { ENTRIES, gate, N0_IP, postJson, startHarness, type Entry, type Harness, type HarnessOptions } from './_harness.js'

// The one NoCloud request path (SPEC §2, OPS-7, issue 18): every case runs over the real listener and the in-process
// entry, which call the same `app.callback()`. Each answer is checked to the byte (header lines in wire order) with
// the request line and record it left behind (OPS-5, SVC-4).

const N0 = 'x1000c0s0b0n0'
const UNKNOWN = '192.168.99.99'
const PLAIN = 'text/plain; charset=utf-8'
const COMPUTE_BODY =
  '#cloud-config\nhostname: tc1000\nwrite_files:\n  - path: /etc/node-role\n    content: |\n      ROLE=compute\n      NID=1000\n      IP=10.252.0.26\n'
const GREEN_BODY = '#cloud-config\nwrite_files:\n  - path: /etc/node-color\n    content: |\n      COLOR=green\n'
const VENDOR_BODY = '#include\nhttp://localhost:8888/compute.yaml\nhttp://localhost:8888/green.yaml\n'
const META_START = `instance-id: ${N0}\nlocal-hostname: tc1000\n`
const NETWORK_START = 'version: 1\nconfig:\n  - type: physical\n    name: eth0\n'

interface Case {
  readonly name: string
  readonly target: string
  readonly method?: string
  readonly as?: string
  readonly headers?: Record<string, string>
  readonly body?: string
  /** Runs before the request (e.g. an inventory failure). */
  readonly before?: (h: Harness) => void
  readonly status: number
  readonly type: string
  /** The exact body, or its start (`startsWith`); HEAD answers check the GET body's length instead. */
  readonly answer: string | { readonly startsWith: string }
  /** Headers between `nosniff` and `Content-Type`. */
  readonly extra?: ReadonlyArray<readonly [string, string]>
  /** Fields of the request line (and record) beyond reqId, method, status and client; absent keys must be absent. */
  readonly line: { readonly route: string; readonly document?: string; readonly node?: string }
}

const notFound = (name: string, target: string): Case => ({ name, target, as: N0_IP, status: 404, type: PLAIN, answer: 'not found\n', line: { route: 'unmatched' } })
const notMember = (group: string) => `node ${N0} is not a member of group ${group}\n`
const ALLOW: ReadonlyArray<readonly [string, string]> = [['Allow', 'HEAD, GET']]
const methodNotAllowed = (name: string, target: string, method: string, body?: string): Case => ({
  name,
  target,
  method,
  as: N0_IP,
  ...(body === undefined ? {} : { body }),
  status: 405,
  type: PLAIN,
  answer: 'method not allowed\n',
  extra: ALLOW,
  line: { route: 'unmatched' },
})

// ID-4: an inventory outage is a 503 with Retry-After, and the line names no node.
const outage = (name: string, target: string, line: Case['line']): Case => ({
  name,
  target,
  as: N0_IP,
  before: (h) => h.inventory.failNext('INVENTORY_UNAVAILABLE'),
  status: 503,
  type: PLAIN,
  answer: 'node lookup unavailable\n',
  extra: [['Retry-After', '5']],
  line,
})

const CASES: readonly Case[] = [
  { name: 'meta-data of a known node', target: '/meta-data', as: N0_IP, status: 200, type: 'application/x-yaml', answer: { startsWith: META_START }, line: { route: '/meta-data', document: 'meta-data', node: N0 } },
  { name: 'meta-data with a trailing slash (NC-4b)', target: '/meta-data/', as: N0_IP, status: 200, type: 'application/x-yaml', answer: { startsWith: META_START }, line: { route: '/meta-data', document: 'meta-data', node: N0 } },
  { name: 'HEAD meta-data', target: '/meta-data', method: 'HEAD', as: N0_IP, status: 200, type: 'application/x-yaml', answer: { startsWith: META_START }, line: { route: '/meta-data', document: 'meta-data', node: N0 } },
  { name: 'meta-data of an unknown node (ID-4)', target: '/meta-data', as: UNKNOWN, status: 404, type: PLAIN, answer: 'node not found\n', line: { route: '/meta-data', document: 'meta-data' } },
  { name: 'HEAD of an unknown node', target: '/network-config/', method: 'HEAD', as: UNKNOWN, status: 404, type: PLAIN, answer: 'node not found\n', line: { route: '/network-config', document: 'network-config' } },
  { name: 'user-data of an unknown node (AT-6)', target: '/user-data', as: UNKNOWN, status: 200, type: 'text/cloud-config', answer: '#cloud-config\n', line: { route: '/user-data', document: 'user-data' } },
  { name: 'user-data/ of a known node, which needs no node', target: '/user-data/', as: N0_IP, status: 200, type: 'text/cloud-config', answer: '#cloud-config\n', line: { route: '/user-data', document: 'user-data' } },
  {
    name: 'vendor-data with NC-14 forwarding headers (the ClusterDefaults base wins)',
    target: '/vendor-data',
    as: N0_IP,
    headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'ci.example:8443' },
    status: 200,
    type: 'text/plain',
    answer: VENDOR_BODY,
    line: { route: '/vendor-data', document: 'vendor-data', node: N0 },
  },
  { name: 'vendor-data/', target: '/vendor-data/', as: N0_IP, status: 200, type: 'text/plain', answer: VENDOR_BODY, line: { route: '/vendor-data', document: 'vendor-data', node: N0 } },
  { name: 'network-config', target: '/network-config', as: N0_IP, status: 200, type: 'text/cloud-config', answer: { startsWith: NETWORK_START }, line: { route: '/network-config', document: 'network-config', node: N0 } },
  { name: 'a group the node is in', target: '/compute.yaml', as: N0_IP, status: 200, type: 'text/cloud-config', answer: COMPUTE_BODY, line: { route: '/:group.yaml', document: 'compute.yaml', node: N0 } },
  { name: 'HEAD of a group the node is in', target: '/green.yaml', method: 'HEAD', as: N0_IP, status: 200, type: 'text/cloud-config', answer: GREEN_BODY, line: { route: '/:group.yaml', document: 'green.yaml', node: N0 } },
  { name: 'a group the node is not in', target: '/storage.yaml', as: N0_IP, status: 404, type: PLAIN, answer: notMember('storage'), line: { route: '/:group.yaml', document: 'storage.yaml', node: N0 } },
  { name: 'a dotted group name (NC-4c)', target: '/rack.1.yaml', as: N0_IP, status: 404, type: PLAIN, answer: notMember('rack.1'), line: { route: '/:group.yaml', document: 'rack.1.yaml', node: N0 } },
  { name: 'a percent-encoded group name', target: '/rack%201.yaml', as: N0_IP, status: 404, type: PLAIN, answer: notMember('rack 1'), line: { route: '/:group.yaml', document: 'rack 1.yaml', node: N0 } },
  { name: 'an encoded slash in a group name', target: '/rack%2F1.yaml', as: N0_IP, status: 404, type: PLAIN, answer: notMember('rack/1'), line: { route: '/:group.yaml', document: 'rack/1.yaml', node: N0 } },
  { name: 'an encoded UTF-8 group name', target: '/%E2%82%AC.yaml', as: N0_IP, status: 404, type: PLAIN, answer: notMember('€'), line: { route: '/:group.yaml', document: '€.yaml', node: N0 } },
  { name: 'an encoded letter in a group name', target: '/com%70ute.yaml', as: N0_IP, status: 200, type: 'text/cloud-config', answer: COMPUTE_BODY, line: { route: '/:group.yaml', document: 'compute.yaml', node: N0 } },
  { name: 'the last .yaml only', target: '/compute.yaml.yaml', as: N0_IP, status: 404, type: PLAIN, answer: notMember('compute.yaml'), line: { route: '/:group.yaml', document: 'compute.yaml.yaml', node: N0 } },
  { name: 'a group named like a fixed route', target: '/meta-data.yaml', as: N0_IP, status: 404, type: PLAIN, answer: notMember('meta-data'), line: { route: '/:group.yaml', document: 'meta-data.yaml', node: N0 } },
  { name: 'a group with a leading dot', target: '/.hidden.yaml', as: N0_IP, status: 404, type: PLAIN, answer: notMember('.hidden'), line: { route: '/:group.yaml', document: '.hidden.yaml', node: N0 } },
  { name: 'a group of an unknown node', target: '/compute.yaml', as: UNKNOWN, status: 404, type: PLAIN, answer: 'node not found\n', line: { route: '/:group.yaml', document: 'compute.yaml' } },
  { name: 'a group with a trailing slash', target: '/compute.yaml/', as: N0_IP, status: 200, type: 'text/cloud-config', answer: COMPUTE_BODY, line: { route: '/:group.yaml', document: 'compute.yaml', node: N0 } },
  { name: 'a query string', target: '/meta-data?x=1', as: N0_IP, status: 200, type: 'application/x-yaml', answer: { startsWith: META_START }, line: { route: '/meta-data', document: 'meta-data', node: N0 } },
  { name: 'a query string on a group', target: '/compute.yaml?x=1&y', as: N0_IP, status: 200, type: 'text/cloud-config', answer: COMPUTE_BODY, line: { route: '/:group.yaml', document: 'compute.yaml', node: N0 } },
  { name: 'a fragment', target: '/network-config#x', as: N0_IP, status: 200, type: 'text/cloud-config', answer: { startsWith: NETWORK_START }, line: { route: '/network-config', document: 'network-config', node: N0 } },
  { name: 'an absolute-form target', target: 'http://h.example/compute.yaml', as: N0_IP, status: 200, type: 'text/cloud-config', answer: COMPUTE_BODY, line: { route: '/:group.yaml', document: 'compute.yaml', node: N0 } },
  outage('an inventory outage (ID-4)', '/meta-data', { route: '/meta-data', document: 'meta-data' }),
  outage('an inventory outage on a group', '/compute.yaml', { route: '/:group.yaml', document: 'compute.yaml' }),
  methodNotAllowed('POST with a body (OPS-6)', '/meta-data', 'POST', '{}'),
  methodNotAllowed('PUT with a trailing slash', '/user-data/', 'PUT', 'x'),
  methodNotAllowed('DELETE of a group', '/compute.yaml', 'DELETE'),
  methodNotAllowed('OPTIONS of an encoded group', '/rack%201.yaml', 'OPTIONS'),
  methodNotAllowed('PATCH with a query string', '/network-config?x=1', 'PATCH'),
  notFound('another case (routes are case-sensitive)', '/META-DATA'),
  notFound('no group name', '/.yaml'),
  notFound('a group in a sub-path', '/a/b.yaml'),
  notFound('another extension case', '/compute.YAML'),
  notFound('a doubled slash', '//meta-data'),
  notFound('two trailing slashes', '/meta-data//'),
  notFound('an encoded fixed path (matched undecoded)', '/meta%2Ddata'),
]

/** Apps with the quick-start resources (SPEC §14a step 3). */
async function quickStart(entry: Entry, options: HarnessOptions = {}): Promise<{ h: Harness; records: unknown[] }> {
  const records: unknown[] = []
  const h = await startHarness({ ...options, entry, observe: (record) => records.push(record) })
  expect((await postJson(h, '/clusterdefaultss', QUICKSTART_CLUSTER_DEFAULTS)).status).toBe(201)
  expect((await postJson(h, '/groups', QUICKSTART_GROUP_COMPUTE)).status).toBe(201)
  expect((await postJson(h, '/groups', QUICKSTART_GROUP_GREEN)).status).toBe(201)
  return { h, records }
}

/** Sends one request and returns the answer with the request lines and records it left behind. */
async function observe(h: Harness, records: unknown[], target: string, init: Parameters<Harness['exchange']>[1] = {}) {
  const lineCount = h.logger.entries.length
  const recordCount = records.length
  const answer = await h.exchange(target, init)
  const lines = h.logger.entries.slice(lineCount).filter((e) => e.message === 'request')
  return { answer, lines: lines.map((e) => e.fields), records: records.slice(recordCount) }
}

describe.each(ENTRIES)('the NoCloud request path, %s', (entry) => {
  it('answers and records every case to the byte', async () => {
    const { h, records } = await quickStart(entry)
    for (const c of CASES) {
      c.before?.(h)
      const method = c.method ?? 'GET'
      const headers = { 'X-Request-ID': 'same-id', ...c.headers }
      const sent = { method, headers, ...(c.as === undefined ? {} : { as: c.as }), ...(c.body === undefined ? {} : { body: c.body }) }
      const { answer, lines, records: recorded } = await observe(h, records, c.target, sent)
      const got = method === 'HEAD' ? (await h.exchange(c.target, { ...sent, method: 'GET' })).body : answer.body
      const context = `${c.name}: ${method} ${c.target}`
      if (typeof c.answer === 'string') expect(got, context).toBe(c.answer)
      else expect(got.startsWith(c.answer.startsWith), context).toBe(true)
      expect(answer.body, context).toBe(method === 'HEAD' ? '' : got)
      expect({ status: answer.status, headers: answer.headers }, context).toEqual({
        status: c.status,
        headers: [['X-Request-ID', 'same-id'], ['X-Content-Type-Options', 'nosniff'], ...(c.extra ?? []), ['Content-Type', c.type], ['Content-Length', String(Buffer.byteLength(got))]],
      })
      const line = { reqId: 'same-id', method, status: c.status, ms: expect.any(Number), client: c.as ?? '127.0.0.1', ...c.line }
      // One line and one record, equal, with exactly these keys (OPS-5: no empty keys).
      expect(lines, context).toEqual([line])
      expect(recorded, context).toEqual([line])
    }
  })

  it('generates a request id for a missing or invalid one, and reuses a valid one (OPS-5)', async () => {
    const h = await startHarness({ entry })
    const generated = await h.exchange('/user-data', { headers: { 'X-Request-ID': 'not valid!' } })
    const other = await h.exchange('/user-data')
    const reused = await h.exchange('/user-data', { headers: { 'X-Request-ID': 'a'.repeat(128) } })
    const ids = [generated, other, reused].map((answer) => answer.headers.find(([name]) => name === 'X-Request-ID')?.[1])
    expect(ids[0]).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/)
    expect(ids[1]).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/)
    expect(ids[0]).not.toBe(ids[1])
    expect(ids[2]).toBe('a'.repeat(128))
    expect(h.logger.entries.filter((e) => e.message === 'request').map((e) => e.fields.reqId)).toEqual(ids)
  })

  it('refuses past the OPS-3 bound, answers the OPS-2 deadline, and recovers', async () => {
    const held = gate()
    const entered = gate()
    const { h, records } = await quickStart(entry, {
      app: { maxInflight: 1, requestTimeoutMs: 200 },
      wrapNocloud: (real) => ({
        ...real,
        vendorData: async (...args) => {
          entered.open()
          await held.wait
          return real.vendorData(...args)
        },
      }),
    })
    const slow = observe(h, records, '/vendor-data', { as: N0_IP, headers: { 'X-Request-ID': 'slow' } })
    // Once the fake holds the slow request, it is the one request in flight.
    await entered.wait
    const refused = await observe(h, records, '/meta-data', { as: N0_IP, headers: { 'X-Request-ID': 'refused' } })
    // The Retry-After of OPS-3 is random, 1–5 s.
    const retryAfter = refused.answer.headers.find(([name]) => name === 'Retry-After')?.[1]
    expect(retryAfter).toMatch(/^[1-5]$/)
    expect(refused.answer).toEqual({
      status: 503,
      headers: [['X-Request-ID', 'refused'], ['X-Content-Type-Options', 'nosniff'], ['Retry-After', retryAfter], ['Content-Type', PLAIN], ['Content-Length', '19']],
      body: 'service overloaded\n',
    })
    // Refused before routing: `unmatched`, as the Koa overload guard refuses.
    expect(refused.records).toEqual([{ reqId: 'refused', method: 'GET', route: 'unmatched', status: 503, ms: expect.any(Number), client: N0_IP, rejected: 'overload' }])
    const timedOut = await slow
    expect(timedOut.answer).toEqual({
      status: 503,
      headers: [['X-Request-ID', 'slow'], ['X-Content-Type-Options', 'nosniff'], ['Retry-After', '5'], ['Content-Type', PLAIN], ['Content-Length', '18']],
      body: 'request timed out\n',
    })
    // The node was resolved before the deadline, so the line names it. (The refused request was recorded meanwhile.)
    expect(timedOut.records.filter((record) => (record as { reqId: string }).reqId === 'slow')).toEqual([
      { reqId: 'slow', method: 'GET', route: '/vendor-data', status: 503, ms: expect.any(Number), client: N0_IP, node: N0, document: 'vendor-data', rejected: 'timeout' },
    ])
    const after = await observe(h, records, '/meta-data', { as: N0_IP })
    expect(after.answer.status).toBe(200)
    expect(after.records).toMatchObject([{ route: '/meta-data', status: 200 }])
    // The abandoned handler finishes later without writing or recording anything.
    const recordCount = records.length
    held.open()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(records).toHaveLength(recordCount)
  })

  it('asks the WG-12 gate about the socket peer of every NoCloud GET/HEAD, and names the route of its 403', async () => {
    const asked: string[] = []
    const refusedPeer = '127.0.0.6'
    const { h, records } = await quickStart(entry, {
      app: { wireguardOnly: true },
      wireguard: {
        init: () => Promise.reject(new Error('not used')),
        phoneHome: () => Promise.reject(new Error('not used')),
        allowsSocketPeer: (peer) => (asked.push(peer), peer !== refusedPeer),
      },
    })
    const refused = await observe(h, records, '/compute.yaml', { from: refusedPeer, as: '100.97.0.5', headers: { 'X-Request-ID': 'wg' } })
    expect(refused.answer).toEqual({
      status: 403,
      headers: [['X-Request-ID', 'wg'], ['X-Content-Type-Options', 'nosniff'], ['Content-Type', PLAIN], ['Content-Length', '31']],
      body: 'wireguard-only access required\n',
    })
    expect(refused.records).toEqual([{ reqId: 'wg', method: 'GET', route: '/:group.yaml', document: 'compute.yaml', status: 403, ms: expect.any(Number), client: '100.97.0.5' }])
    expect((await h.exchange('/meta-data', { from: refusedPeer, method: 'HEAD' })).status).toBe(403)
    // 405 comes first: no route matched the method, so the gate is not asked.
    expect((await h.exchange('/meta-data', { from: refusedPeer, method: 'POST', body: '' })).status).toBe(405)
    expect((await h.exchange('/meta-data', { as: N0_IP })).status).toBe(200)
    expect(asked).toEqual([refusedPeer, refusedPeer, '127.0.0.1'])
  })

  it('answers every NoCloud path itself and hands every other request to Koa', async () => {
    const reachedKoa: string[] = []
    const h = await startHarness({
      entry,
      firstKoaMiddleware: async (ctx, next) => {
        reachedKoa.push(`${ctx.method} ${ctx.url}`)
        await next()
      },
    })
    const nocloud = ['/user-data', '/meta-data/', '/compute.yaml', '/rack%201.yaml', '/compute.yaml/', '/meta-data?x=1', 'http://h.example/vendor-data']
    for (const target of nocloud) await h.exchange(target)
    await h.exchange('/network-config', { method: 'HEAD' })
    await h.exchange('/meta-data', { method: 'POST', body: '{}' })
    expect(reachedKoa).toEqual([])
    for (const target of ['/health', '/groups', '/nothing', '/.yaml', '/a/b.yaml', '/META-DATA']) await h.exchange(target)
    expect(reachedKoa).toEqual(['GET /health', 'GET /groups', 'GET /nothing', 'GET /.yaml', 'GET /a/b.yaml', 'GET /META-DATA'])
  })
})
