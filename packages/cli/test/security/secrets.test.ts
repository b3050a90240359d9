import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeSmd, startFakeTokenSmith, type FakeSmd, type FakeTokenSmith } from '@metadata-service/adapter-smd/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../../src/main.js'
import { fakeIo } from '../helpers.js'
import { listening, SMD_TEST_NODE, startServe, type Running } from '../serve-helpers.js'

// SPEC §16 "Secrets", issue 16: the SMD URL's password was logged in clear (`config` and `baseUrl`). Every surface
// that shows a configured URL shows it without its password: log lines, `/health`, `/metrics`, `--help`, errors.

const SECRET = 's3cret-Pw'

let dir: string
let smd: FakeSmd
let tokensmith: FakeTokenSmith
let running: Running | undefined

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mds-secrets-'))
  tokensmith = await startFakeTokenSmith()
  smd = await startFakeSmd({ nodes: [SMD_TEST_NODE], tokens: (t) => tokensmith.isValidAccessToken(t) })
})
afterEach(async () => {
  running?.signal('SIGTERM')
  await running?.exit
  running = undefined
  await smd.close()
  await tokensmith.close()
  await rm(dir, { recursive: true, force: true })
})

const withCredentials = (url: string, user: string) => url.replace('http://', `http://${user}:${SECRET}@`)

describe('URL credentials are never shown (SPEC §16 Secrets)', () => {
  it('serve logs SMD_URL, tokensmith_url, database_url, auth_jwks_url and public_url without passwords; /health and /metrics too', async () => {
    running = startServe(dir, ['--tokensmith-url', withCredentials(tokensmith.url, 'ts'), '--public-url', 'http://pub:s3cret-Pw@mds.local:8080'], {
      SMD_URL: withCredentials(smd.url, 'mds'),
      TOKENSMITH_BOOTSTRAP_TOKEN: 'bootstrap-token',
      METADATA_SERVICE_DATABASE_URL: `postgres://mds:${SECRET}@db.local/mds`,
      METADATA_SERVICE_AUTH_JWKS_URL: `https://jwks:${SECRET}@idp.local/jwks.json`,
    })
    const port = await listening(running)
    for (let i = 0; i < 200 && (await fetch(`http://127.0.0.1:${port}/health`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 25))
    const shown = [
      running.io.stdoutText(),
      running.io.stderrText(),
      await (await fetch(`http://127.0.0.1:${port}/health`)).text(),
      await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(),
    ].join('\n')
    expect(shown).not.toContain(SECRET)
    const config = running.logs().find((l) => l.msg === 'configuration')?.config as Record<string, string>
    expect(config.smd_url).toBe(withCredentials(smd.url, 'mds').replace(SECRET, '***'))
    expect(config.tokensmith_url).toBe(withCredentials(tokensmith.url, 'ts').replace(SECRET, '***'))
    expect(config.database_url).toBe('***') // a secret key (SEC-4): masked whole
    expect(config.auth_jwks_url).toBe('https://jwks:***@idp.local/jwks.json')
    expect(running.logs().find((l) => l.msg === 'SMD client ready')?.baseUrl).toBe(`${withCredentials(smd.url, 'mds').replace(SECRET, '***')}/hsm/v2`)
  })

  it('--help and a refused URL setting show no password', async () => {
    const env = { SMD_URL: withCredentials('http://smd:27779', 'mds'), METADATA_SERVICE_DATABASE_URL: `postgres://u:${SECRET}@db/x` }
    const help = fakeIo({ env })
    expect(await runCli(['serve', '--help'], help)).toBe(0)
    const refused = fakeIo({ env: { ...env, METADATA_SERVICE_AUTH_JWKS_URL: `ftp://jwks:${SECRET}@idp/jwks` } })
    expect(await runCli(['serve', '--mock-smd'], refused)).not.toBe(0)
    expect(refused.stderrText()).toContain('auth_jwks_url')
    expect(help.stdoutText() + help.stderrText() + refused.stdoutText() + refused.stderrText()).not.toContain(SECRET)
  })
})
