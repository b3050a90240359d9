import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fakeNodeIp, generateFakeNodes, startFakeSmd, startFakeTokenSmith, type FakeSmd } from '@metadata-service/adapter-smd/testing'
import { QUICKSTART_CLUSTER_DEFAULTS, QUICKSTART_GROUP_COMPUTE } from '@metadata-service/core/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { listening, SMD_TEST_NODE, startServe, type Running } from './serve-helpers.js'

// `serve` against a fake SMD and TokenSmith on their real wire contracts: the non-mock startup path of OPS-1
// (token source → SMD client → TokenSmith init → listen → sync), TOK-1 mode choice and the AT-29 bearer tokens.

const NODE = SMD_TEST_NODE

let dir: string
let smd: FakeSmd
let running: Running | undefined

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mds-serve-smd-'))
})
afterEach(async () => {
  running?.signal('SIGTERM')
  await running?.exit
  running = undefined
  await smd.close()
  await rm(dir, { recursive: true, force: true })
})

async function healthy(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await fetch(`http://127.0.0.1:${port}/health`)).status === 200) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error('never healthy')
}

async function metaData(port: number, ip: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/meta-data`, { headers: { 'X-Forwarded-For': ip } })
  expect(res.status).toBe(200)
  return res.text()
}

describe('serve with SMD', () => {
  it('fails a sync over --smd-max-response-bytes with the limit and the setting, and stays unhealthy (SPEC §16)', async () => {
    smd = await startFakeSmd({ nodes: [NODE] })
    running = startServe(dir, ['--smd-max-response-bytes', '2048'], { SMD_URL: smd.url })
    smd.inject('components', { status: 200, body: JSON.stringify({ Components: [{ ID: NODE.xname, Pad: 'x'.repeat(4096) }] }) })
    const port = await listening(running)
    for (let i = 0; i < 200 && !running.logs().some((l) => l.msg === 'SMD sync failed; keeping the previous snapshot'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    expect(running.logs().find((l) => l.msg === 'SMD sync failed; keeping the previous snapshot')).toMatchObject({
      error: expect.stringMatching(/^smd request failed: response from \/State\/Components exceeds smd_max_response_bytes \(2048 bytes\); raise it/),
    })
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(503)
  })

  it('syncs from SMD_URL with SMD_JWT as the bearer token (SMD-1, TOK-2, AT-29)', async () => {
    smd = await startFakeSmd({ nodes: [NODE], tokens: ['static-jwt'] })
    running = startServe(dir, [], { SMD_URL: smd.url, SMD_JWT: 'static-jwt', SMD_TOKEN: 'x' })
    const port = await listening(running)
    await healthy(port)
    expect(await metaData(port, '10.0.0.100')).toMatch(/^instance-id: x3000c0s1b0n0\n/)
    const protectedCalls = smd.requests.filter((r) => r.route === 'memberships')
    expect(protectedCalls.length).toBeGreaterThan(0)
    expect(protectedCalls.every((r) => r.authorization === 'Bearer static-jwt')).toBe(true)
    expect(running.logs().find((l) => l.msg === 'SMD auth')).toMatchObject({ mode: 'static' })
    expect(running.io.stdoutText()).not.toContain('static-jwt')
  })

  it('exchanges the bootstrap token with TokenSmith before listening, and uses the access token (TOK-4, TOK-8, AT-29)', async () => {
    const tokensmith = await startFakeTokenSmith()
    try {
      smd = await startFakeSmd({ nodes: [NODE], tokens: (t) => tokensmith.isValidAccessToken(t) })
      running = startServe(dir, ['--tokensmith-url', tokensmith.url], {
        SMD_URL: smd.url,
        SMD_JWT: 'static-jwt',
        TOKENSMITH_BOOTSTRAP_TOKEN: 'bootstrap-token',
      })
      const port = await listening(running)
      expect(tokensmith.calls('token')).toBe(1)
      await healthy(port)
      const auth = smd.requests.filter((r) => r.route === 'memberships').map((r) => r.authorization)
      expect(auth[0]).toMatch(/^Bearer .*access-1$/)
      expect(running.logs().find((l) => l.msg === 'SMD auth')).toMatchObject({ mode: 'bootstrap' })
      expect(running.io.stdoutText()).not.toContain('bootstrap-token')
    } finally {
      running?.signal('SIGTERM')
      await running?.exit
      running = undefined
      await tokensmith.close()
    }
  })

  it('exits 1 with the TOK-1 message when tokensmith_url has no credentials, releasing the lock', async () => {
    smd = await startFakeSmd({ nodes: [NODE] })
    const run = startServe(dir, [], { SMD_URL: smd.url, TOKENSMITH_URL: 'http://127.0.0.1:9' })
    expect(await run.exit).toBe(1)
    expect(run.io.stderrText()).toBe(
      'Error: tokensmith_url is set but dynamic auth requires one of: readable tokensmith_service_identity_cert and tokensmith_service_identity_key, or tokensmith_bootstrap_token\n',
    )
    expect(smd.calls()).toBe(0)
    await expect(import('node:fs').then((fs) => fs.existsSync(join(dir, 'data', 'metadata-service.lock')))).resolves.toBe(false)
  })
})

// Issue 19 / OPS-7: once the pre-render has finished, a boot storm renders nothing. Every document of every node asked
// in the order of the benchmark's storm (bench/storm.lua), builds counted by the service itself
// (`metadata_service_render_cache_misses_total`), not timed.

const STORM_NODES = 64
const STORM_PATHS = ['/network-config', '/meta-data', '/user-data', '/vendor-data', '/compute.yaml']

/** The sum of every sample of `family` on /metrics (all labels). */
async function total(server: string, family: string): Promise<number> {
  const text = await (await fetch(`${server}/metrics`)).text()
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${family}{`) || l.startsWith(`${family} `))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0)
}

describe('a storm after a finished pre-render (OPS-7, issue 19)', { timeout: 60_000 }, () => {
  it('answers every document of every node from the cache: zero documents built', async () => {
    smd = await startFakeSmd({ nodes: generateFakeNodes(STORM_NODES) })
    running = startServe(dir, ['--smd-sync-interval', '86400'], { SMD_URL: smd.url })
    const server = `http://127.0.0.1:${await listening(running)}`
    for (let i = 0; i < 400 && (await fetch(`${server}/health`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 25))
    for (const [collection, body] of [['/clusterdefaultss', QUICKSTART_CLUSTER_DEFAULTS], ['/groups', QUICKSTART_GROUP_COMPUTE]] as const) {
      const res = await fetch(`${server}${collection}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      expect(res.status).toBe(201)
    }
    // The pass after the writes: meta-data, network-config, vendor-data (base_url is set) and compute.yaml per node.
    const prerendered = async () =>
      (await total(server, 'metadata_service_prerender_last_pass_documents')) === 4 * STORM_NODES &&
      (await total(server, 'metadata_service_prerender_running')) === 0
    for (let i = 0; i < 400 && !(await prerendered()); i++) await new Promise((r) => setTimeout(r, 25))
    expect(await prerendered()).toBe(true)
    const built = await total(server, 'metadata_service_render_cache_misses_total')

    // bench/storm.lua's order: request k asks node k % N for path (k % N + ⌊k / N⌋) % 5.
    for (let k = 0; k < 5 * STORM_NODES; k++) {
      const node = k % STORM_NODES
      const path = STORM_PATHS[(node + Math.floor(k / STORM_NODES)) % 5]!
      const res = await fetch(`${server}${path}`, { headers: { 'X-Forwarded-For': fakeNodeIp(node, 'HMN'), Connection: 'close' } })
      expect(res.status, `${path} of node ${node}`).toBe(200)
      await res.arrayBuffer()
    }
    expect((await total(server, 'metadata_service_render_cache_misses_total')) - built).toBe(0)
    expect(await total(server, 'metadata_service_render_cache_hits_total')).toBe(4 * STORM_NODES)
  })

  it('keeps at most --max-cached-documents: the pre-render stops there and the rest is built for the requests', async () => {
    smd = await startFakeSmd({ nodes: generateFakeNodes(STORM_NODES) })
    running = startServe(dir, ['--smd-sync-interval', '86400', '--max-cached-documents', '100'], { SMD_URL: smd.url })
    const server = `http://127.0.0.1:${await listening(running)}`
    for (let i = 0; i < 400 && (await fetch(`${server}/health`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 25))
    const res = await fetch(`${server}/clusterdefaultss`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(QUICKSTART_CLUSTER_DEFAULTS) })
    expect(res.status).toBe(201)
    // The pass after the write stops at the cap (meta-data, network-config and vendor-data per node: 192 > 100).
    const capped = async () =>
      (await total(server, 'metadata_service_prerender_last_pass_documents')) === 100 &&
      (await total(server, 'metadata_service_render_cache_documents')) === 100 &&
      (await total(server, 'metadata_service_prerender_running')) === 0
    for (let i = 0; i < 400 && !(await capped()); i++) await new Promise((r) => setTimeout(r, 25))
    expect(await capped()).toBe(true)
    const built = await total(server, 'metadata_service_render_cache_misses_total')
    // The last node's meta-data was beyond the cap.
    const last = await fetch(`${server}/meta-data`, { headers: { 'X-Forwarded-For': fakeNodeIp(STORM_NODES - 1, 'HMN') } })
    expect(last.status).toBe(200)
    expect((await total(server, 'metadata_service_render_cache_misses_total')) - built).toBe(1)
    expect(await total(server, 'metadata_service_render_cache_documents')).toBe(100)
  })
})
