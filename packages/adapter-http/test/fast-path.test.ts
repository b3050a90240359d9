import { describe, expect, it } from 'vitest'
import { QUICKSTART_CLUSTER_DEFAULTS, QUICKSTART_GROUP_COMPUTE, QUICKSTART_GROUP_GREEN } from '@metadata-service/core/testing'
import { createApp, listen } from '../src/index.js'
import { gate, N0_IP, postJson, startHarness, type Harness, type HarnessOptions } from './_harness.js'

// OPS-7: the NoCloud fast path in front of Koa must answer exactly as the Koa routes do. Every case runs against
// two apps built alike, one with the fast path (the default) and one with `fastPath: false`, and compares the
// responses (status, headers but Date, body) and the lines and records the request left behind.

interface Case {
  readonly name: string
  readonly path: string
  readonly method?: 'GET' | 'HEAD'
  readonly as?: string
  readonly headers?: Record<string, string>
  /** Runs on each harness before the request (e.g. an inventory failure). */
  readonly before?: (h: Harness) => void
}

const CASES: readonly Case[] = [
  { name: 'meta-data of a known node', path: '/meta-data', as: N0_IP },
  { name: 'meta-data with a trailing slash', path: '/meta-data/', as: N0_IP },
  { name: 'HEAD meta-data', path: '/meta-data', method: 'HEAD', as: N0_IP },
  { name: 'meta-data of an unknown node', path: '/meta-data', as: '192.168.99.99' },
  { name: 'HEAD of an unknown node', path: '/network-config/', method: 'HEAD', as: '192.168.99.99' },
  { name: 'user-data of an unknown node', path: '/user-data', as: '192.168.99.99' },
  { name: 'user-data/ of a known node', path: '/user-data/', as: N0_IP },
  { name: 'vendor-data with NC-14 forwarding headers', path: '/vendor-data', as: N0_IP, headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'ci.example:8443' } },
  { name: 'vendor-data/', path: '/vendor-data/', as: N0_IP },
  { name: 'network-config', path: '/network-config', as: N0_IP },
  { name: 'a group the node is in', path: '/compute.yaml', as: N0_IP },
  { name: 'HEAD of a group the node is in', path: '/green.yaml', method: 'HEAD', as: N0_IP },
  { name: 'a group the node is not in', path: '/storage.yaml', as: N0_IP },
  { name: 'a dotted group name', path: '/rack.1.yaml', as: N0_IP },
  { name: 'a percent-encoded group name (Koa)', path: '/rack%201.yaml', as: N0_IP },
  { name: 'a group of an unknown node', path: '/compute.yaml', as: '192.168.99.99' },
  { name: 'a group with a trailing slash (Koa)', path: '/compute.yaml/', as: N0_IP },
  { name: 'a query string (Koa)', path: '/meta-data?x=1', as: N0_IP },
  { name: 'an inventory outage', path: '/meta-data', as: N0_IP, before: (h) => h.inventory.failNext('INVENTORY_UNAVAILABLE') },
  { name: 'an inventory outage on a group', path: '/compute.yaml', as: N0_IP, before: (h) => h.inventory.failNext('INVENTORY_UNAVAILABLE') },
]

/** What a request leaves behind, minus what may differ between two runs (Date, timings, stacks). */
interface Observed {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
  readonly lines: ReadonlyArray<readonly [string, string, Record<string, unknown>]>
  readonly records: readonly unknown[]
}

async function startPair(options: HarnessOptions = {}): Promise<{ fast: Harness; koa: Harness; records: Map<Harness, unknown[]> }> {
  const fastRecords: unknown[] = []
  const koaRecords: unknown[] = []
  const fast = await startHarness({ ...options, observe: (r) => fastRecords.push(r) })
  const koa = await startHarness({ ...options, observe: (r) => koaRecords.push(r), app: { ...options.app, fastPath: false } })
  for (const h of [fast, koa]) {
    expect((await postJson(h, '/clusterdefaultss', QUICKSTART_CLUSTER_DEFAULTS)).status).toBe(201)
    expect((await postJson(h, '/groups', QUICKSTART_GROUP_COMPUTE)).status).toBe(201)
    expect((await postJson(h, '/groups', QUICKSTART_GROUP_GREEN)).status).toBe(201)
  }
  return { fast, koa, records: new Map<Harness, unknown[]>([[fast, fastRecords], [koa, koaRecords]]) }
}

async function observe(h: Harness, records: unknown[], c: Case): Promise<Observed> {
  c.before?.(h)
  const lineCount = h.logger.entries.length
  const recordCount = records.length
  const res = await h.fetch(c.path, { method: c.method ?? 'GET', ...(c.as === undefined ? {} : { as: c.as }), headers: { 'X-Request-ID': 'same-id', ...c.headers } })
  const headers = Object.fromEntries([...res.headers].filter(([name]) => name !== 'date'))
  return {
    status: res.status,
    headers,
    body: await res.text(),
    lines: h.logger.entries.slice(lineCount).map((e) => [e.level, e.message, withoutVarying(e.fields)] as const),
    records: records.slice(recordCount).map((r) => withoutVarying(r as Record<string, unknown>)),
  }
}

function withoutVarying(fields: Record<string, unknown> = {}): Record<string, unknown> {
  const { ms, error, ...rest } = fields
  // `ms` is a timing; `error` holds a stack, whose frames differ between the two paths. Both must be present alike.
  return { ...rest, ...(ms === undefined ? {} : { ms: typeof ms }), ...(error === undefined ? {} : { error: String(error).split('\n')[0] }) }
}

describe('NoCloud fast path (OPS-7)', () => {
  it('answers and logs every NoCloud case exactly as the Koa routes do', async () => {
    const { fast, koa, records } = await startPair()
    for (const c of CASES) {
      const viaFast = await observe(fast, records.get(fast)!, c)
      const viaKoa = await observe(koa, records.get(koa)!, c)
      expect({ case: c.name, ...viaFast }).toEqual({ case: c.name, ...viaKoa })
      expect(viaFast.lines.filter(([, message]) => message === 'request')).toHaveLength(1)
      expect(viaFast.headers['x-request-id']).toBe('same-id')
    }
  })

  it('generates a request id for a missing or invalid one on both paths, and reuses a valid one (OPS-5)', async () => {
    const { fast, koa } = await startPair()
    for (const h of [fast, koa]) {
      const generated = await h.fetch('/user-data', { headers: { 'X-Request-ID': 'not valid!' } })
      const other = await h.fetch('/user-data')
      const ids = [generated.headers.get('x-request-id'), other.headers.get('x-request-id')]
      expect(ids[0]).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/)
      expect(ids[1]).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/)
      expect(ids[0]).not.toBe(ids[1])
      const lines = h.logger.entries.filter((e) => e.message === 'request').map((e) => e.fields.reqId)
      expect(lines.slice(-2)).toEqual(ids)
    }
  })

  it('refuses past the OPS-3 bound and answers the OPS-2 deadline as Koa does', async () => {
    const held = gate()
    let entered = gate()
    const { fast, koa, records } = await startPair({
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
    const results: Array<[Observed, Observed, Observed]> = []
    for (const h of [fast, koa]) {
      entered = gate()
      const slow = observe(h, records.get(h)!, { name: 'held', path: '/vendor-data', as: N0_IP })
      // Once the fake holds the slow request, it is the one request in flight.
      await entered.wait
      const refused = await observe(h, records.get(h)!, { name: 'refused', path: '/meta-data', as: N0_IP })
      const timedOut = await slow
      const after = await observe(h, records.get(h)!, { name: 'after', path: '/meta-data', as: N0_IP })
      results.push([refused, timedOut, after])
    }
    held.open()
    const [viaFast, viaKoa] = results
    // The OPS-3 Retry-After is random (1–5 s): compare it by range.
    for (const [refused] of results) {
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1)
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(5)
      delete refused.headers['retry-after']
    }
    expect(viaFast).toEqual(viaKoa)
    expect(viaFast![0]).toMatchObject({ status: 503, body: 'service overloaded\n', records: [{ route: 'unmatched', rejected: 'overload' }] })
    expect(viaFast![1]).toMatchObject({ status: 503, body: 'request timed out\n', records: [{ rejected: 'overload' }, { route: '/vendor-data', node: 'x1000c0s0b0n0', rejected: 'timeout' }] })
    expect(viaFast![2]).toMatchObject({ status: 200, records: [{ route: '/meta-data', status: 200 }] })
  })

  it('hands only the NoCloud GET/HEAD requests it knows past Koa', async () => {
    const h = await startHarness()
    const app = createApp({ resources: h.resources, nocloud: h.nocloud, health: () => ({ healthy: true }), logger: h.logger }, { trustedProxies: [] })
    let koaRequests = 0
    // Counts the requests that reach Koa's own listener.
    const realCallback = app.callback.bind(app)
    app.callback = () => {
      const real = realCallback()
      return (req, res) => {
        koaRequests += 1
        return real(req, res)
      }
    }
    const server = await listen(app, { host: '127.0.0.1', port: 0 })
    try {
      const base = `http://127.0.0.1:${server.port}`
      for (const path of ['/user-data', '/user-data/', '/meta-data', '/compute.yaml', '/rack.1.yaml']) await (await fetch(`${base}${path}`)).text()
      await (await fetch(`${base}/user-data`, { method: 'HEAD' })).text()
      expect(koaRequests).toBe(0)
      for (const path of ['/health', '/meta-data?x=1', '/rack%201.yaml', '/compute.yaml/', '/nothing']) await (await fetch(`${base}${path}`)).text()
      await (await fetch(`${base}/meta-data`, { method: 'POST' })).text()
      expect(koaRequests).toBe(6)
    } finally {
      await server.close(100)
    }
  })
})
