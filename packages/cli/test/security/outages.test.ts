import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeSmd, startFakeTokenSmith, type FakeSmd, type FakeTokenSmith } from '@metadata-service/adapter-smd/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { listening, SMD_TEST_NODE, startServe, type Running } from '../serve-helpers.js'

// Outages of what the service depends on, through the composed `serve` (SMD-7, SMD-8, TOK-9, SVC-1, ID-4):
// SMD down for many sync intervals (answering 500, then not listening at all) keeps known nodes served from the
// snapshot; TokenSmith down until its retries run out fails closed for good.

const KNOWN = SMD_TEST_NODE
const UNKNOWN = '10.0.0.222'
const HEALTHY = { service: 'metadata-service', status: 'healthy' }

let dir: string
let running: Running | undefined
let smd: FakeSmd | undefined
let tokensmith: FakeTokenSmith | undefined

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mds-outage-'))
})
afterEach(async () => {
  running?.signal('SIGTERM')
  await running?.exit
  running = undefined
  await smd?.close()
  smd = undefined
  await tokensmith?.close()
  tokensmith = undefined
  await rm(dir, { recursive: true, force: true })
})

async function waitFor(check: () => boolean | Promise<boolean>, what: string, seconds: number): Promise<void> {
  for (let i = 0; i < seconds * 10; i++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

const get = (port: number, path: string, ip?: string) =>
  fetch(`http://127.0.0.1:${port}${path}`, ip === undefined ? {} : { headers: { 'X-Forwarded-For': ip } })

/** The `failures` count of the latest "SMD sync failed" log line. */
function syncFailures(run: Running): number {
  const failed = run.logs().filter((l) => l.msg === 'SMD sync failed; keeping the previous snapshot')
  return (failed.at(-1)?.failures as number | undefined) ?? 0
}

async function expectServedFromSnapshot(port: number, document: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const res = await get(port, '/meta-data', '10.0.0.100')
    expect({ status: res.status, body: await res.text() }).toEqual({ status: 200, body: document })
  }
  // An address the snapshot does not know needs SMD, which is down: an outage, not "not found" (ID-4).
  const unknown = await get(port, '/meta-data', UNKNOWN)
  expect({ status: unknown.status, body: await unknown.text(), retry: unknown.headers.get('retry-after') !== null }).toEqual({
    status: 503,
    body: 'node lookup unavailable\n',
    retry: true,
  })
}

describe('SMD down for many sync intervals (SMD-7, SMD-8, AT-27)', () => {
  it('keeps serving known nodes from the snapshot while SMD answers 500 and then is gone; /health stays 200', async () => {
    smd = await startFakeSmd({ nodes: [KNOWN], tokens: ['static-jwt'] })
    running = startServe(dir, ['--smd-sync-interval', '0.3'], { SMD_URL: smd.url, SMD_JWT: 'static-jwt' })
    const port = await listening(running)
    await waitFor(async () => (await get(port, '/health')).status === 200, 'the first sync', 20)
    const document = await (await get(port, '/meta-data', '10.0.0.100')).text()
    expect(document).toMatch(/^instance-id: x3000c0s1b0n0\n/)

    // SMD answers 500 on every route for a dozen sync intervals.
    smd.inject('*', { status: 500, body: 'smd is down' })
    await waitFor(() => syncFailures(running as Running) >= 12, '12 failed syncs', 30)
    await expectServedFromSnapshot(port, document)
    expect(await (await get(port, '/health')).json()).toEqual(HEALTHY) // stale alone stays 200 (SVC-1)
    const metrics = await (await get(port, '/metrics')).text()
    expect(metrics).toMatch(/^metadata_service_smd_snapshot_stale 1$/m)
    expect(metrics).toMatch(/^metadata_service_smd_sync_failures_total ([1-9]\d*)$/m)

    // Then SMD is not there at all (connection refused) for a dozen more.
    const before = syncFailures(running)
    await smd.close()
    smd = undefined
    await waitFor(() => syncFailures(running as Running) >= before + 12, '12 more failed syncs', 30)
    await expectServedFromSnapshot(port, document)
    expect(await (await get(port, '/health')).json()).toEqual(HEALTHY)
    const errors = running.logs().filter((l) => l.level === 50 && l.msg !== 'request failed')
    expect(errors).toEqual([])
  }, 120_000)
})

describe('TokenSmith down until its retries run out (TOK-9, AT-34)', () => {
  it('fails closed for good: /health 503 with the reason, no SMD call and no static token, NoCloud from the snapshot', async () => {
    tokensmith = await startFakeTokenSmith({ expiresIn: 1 })
    const ft = tokensmith
    smd = await startFakeSmd({ nodes: [KNOWN], tokens: (t) => ft.isValidAccessToken(t) })
    running = startServe(dir, ['--tokensmith-url', ft.url, '--smd-sync-interval', '0.3', '--tokensmith-refresh-skew-sec', '2'], {
      SMD_URL: smd.url,
      SMD_JWT: 'static-jwt', // must never be sent: dynamic mode has no static fallback
      TOKENSMITH_BOOTSTRAP_TOKEN: 'bootstrap-token',
    })
    const port = await listening(running)
    await waitFor(async () => (await get(port, '/health')).status === 200, 'the first sync', 20)
    const document = await (await get(port, '/meta-data', '10.0.0.100')).text()
    expect(document).toMatch(/^instance-id: x3000c0s1b0n0\n/)

    // Every token is due for refresh (1 s lifetime, 2 s skew), so the next sync needs TokenSmith, which is down:
    // 5 attempts with 1+2+4+8 s of backoff (TOK-7), then unhealthy for good.
    ft.inject('*', { status: 502, body: 'bad gateway' })
    const reason = `dynamic TokenSmith auth unhealthy: service token refresh via ${ft.url}/oauth/token failed after 5 attempts: TokenSmith endpoint returned status=502 body=bad gateway`
    await waitFor(async () => (await get(port, '/health')).status === 503, '/health 503', 60)
    const health = await get(port, '/health')
    expect({ status: health.status, body: await health.json() }).toEqual({
      status: 503,
      body: { reason, service: 'metadata-service', status: 'unhealthy' },
    })

    const smdCalls = smd.calls()
    const tokenCalls = ft.calls('token')
    await expectServedFromSnapshot(port, document)
    // Several sync intervals later: still no SMD call, no further TokenSmith attempt (permanent), same reason.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect({ smd: smd.calls(), tokensmith: ft.calls('token') }).toEqual({ smd: smdCalls, tokensmith: tokenCalls })
    expect(await (await get(port, '/health')).json()).toEqual({ reason, service: 'metadata-service', status: 'unhealthy' })

    const sent = smd.requests.map((r) => r.authorization)
    expect(sent.length).toBeGreaterThan(0) // the first sync went out, with TokenSmith's token
    expect(sent.filter((a) => a === 'Bearer static-jwt')).toEqual([])
    expect(sent.every((a) => a === undefined || /^Bearer .*access-\d+$/.test(a))).toBe(true)
    expect(running.io.stdoutText()).not.toMatch(/access-\d|refresh-\d|bootstrap-token|static-jwt/) // SEC-4
  }, 120_000)
})
