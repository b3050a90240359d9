import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { listening, startServe } from './serve-helpers.js'

// `serve` in-process on an ephemeral port: startup order, logs, SEC-4 redaction, shutdown and lock release.

let dir: string
const serve = (argv: string[], env: Record<string, string> = {}, files: Record<string, string> = {}) =>
  startServe(dir, argv, env, files)
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mds-serve-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('serve', () => {
  it('starts, answers, logs the redacted configuration, and stops on a signal (OPS-1, OPS-4, SEC-4)', async () => {
    const run = serve(['--mock-smd', '--debug'], { SMD_JWT: 'super-secret-jwt' })
    const port = await listening(run)
    expect(await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.json())).toEqual({ service: 'metadata-service', status: 'healthy' })
    expect(existsSync(join(dir, 'data', 'metadata-service.lock'))).toBe(true)
    run.signal('SIGTERM')
    expect(await run.exit).toBe(0)
    expect(run.io.stderrText()).toBe('')
    expect(existsSync(join(dir, 'data', 'metadata-service.lock'))).toBe(false)
    const logs = run.logs()
    expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['starting metadata-service', 'configuration', 'resource store opened', 'listening', 'shutting down', 'stopped']))
    expect(logs.find((l) => l.msg === 'configuration')).toMatchObject({ config: { smd_jwt: '***', mock_smd: true, log_level: 'debug' } })
    expect(run.io.stdoutText()).not.toContain('super-secret-jwt')
  })

  it('logs unknown config-file keys', async () => {
    const run = serve([], {}, { './config.yaml': 'mock_smd: true\nbogus_key: 1\n' })
    await listening(run)
    run.signal('SIGINT')
    expect(await run.exit).toBe(0)
    const warnings = run.logs().filter((l) => l.level === 40).map((l) => l.msg)
    expect(warnings).toEqual(['unknown config key bogus_key in ./config.yaml'])
  })

  it('refuses WireGuard with several workers before touching the data directory', async () => {
    const run = serve(['--mock-smd', '--workers', '2', '--wireguard-server', '100.97.0.1/24'])
    expect(await run.exit).toBe(1)
    expect(run.io.stderrText()).toBe('Error: workers: WireGuard bootstrap (wireguard_server) runs in one process; set workers to 1 to use it\n')
    expect(existsSync(join(dir, 'data'))).toBe(false)
  })

  it('refuses auth_jwks_url with an empty auth_audience (SEC-6), without touching the data directory', async () => {
    const run = serve(['--mock-smd', '--auth-jwks-url', 'https://idp.example/jwks', '--auth-audience', ''])
    expect(await run.exit).toBe(1)
    expect(run.io.stderrText()).toBe('Error: invalid value for auth_audience: must not be empty when auth_jwks_url is set\n')
    expect(existsSync(join(dir, 'data'))).toBe(false)
  })

  it('releases the lock when a later startup step fails (port in use)', async () => {
    const blocker: Server = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as { port: number }).port
    try {
      const run = serve(['--mock-smd', '--port', String(port)])
      expect(await run.exit).toBe(1)
      expect(run.io.stderrText()).toMatch(/^Error: listen EADDRINUSE.*\n$/)
      expect(existsSync(join(dir, 'data', 'metadata-service.lock'))).toBe(false)
    } finally {
      await new Promise((resolve) => blocker.close(resolve))
    }
  })

  it('exits 2 listing every invalid value before starting anything (CFG-4)', async () => {
    const run = serve(['--mock-smd', '--log-level', 'loud'], { METADATA_SERVICE_MAX_INFLIGHT: '-1' })
    expect(await run.exit).toBe(2)
    expect(run.io.stderrText()).toBe(
      [
        'Error: invalid value for max_inflight: must be between 0 and 1000000, got -1 (from env METADATA_SERVICE_MAX_INFLIGHT)',
        'Error: invalid value for log_level: must be one of debug, info, warn, error, got "loud" (from flag --log-level)',
        "Run 'metadata-service serve --help' for usage.",
        '',
      ].join('\n'),
    )
  })
})
