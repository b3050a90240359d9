import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeSmd, startFakeTokenSmith, type FakeSmd } from '@metadata-service/adapter-smd/testing'
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
