import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../src/main.js'
import { dispatchServe, programOf, serves, type Program } from '../src/serve-dispatch.js'
import { fakeIo } from './helpers.js'

describe('programOf (§16 CLI: one program, three names)', () => {
  it.each([
    ['/usr/local/bin/metadata-server', 'metadata-server'],
    ['/app/node_modules/.bin/metadata-client', 'metadata-client'],
    ['/app/packages/cli/bin/metadata-server.js', 'metadata-server'],
    ['/app/packages/cli/bin/metadata-service.js', 'metadata-service'],
    ['/usr/bin/mds', 'metadata-service'],
    [undefined, 'metadata-service'],
  ])('%s → %s', (path, program) => {
    expect(programOf(path)).toBe(program)
  })
})

describe('dispatchServe (§16 CLI: the root command serves, server flags before or after serve)', () => {
  it.each<[Program, string[], string[]]>([
    ['metadata-server', [], ['serve']],
    ['metadata-server', ['--port', '8888', '--mock-smd'], ['serve', '--port', '8888', '--mock-smd']],
    ['metadata-server', ['--mock-smd', '--debug', '--config', '/etc/m.yaml', 'serve', '--port', '8888'],
      ['serve', '--mock-smd', '--debug', '--config', '/etc/m.yaml', '--port', '8888']],
    ['metadata-server', ['-p', '8888', 'serve'], ['serve', '-p', '8888']],
    ['metadata-server', ['-p8888', '--no-smd-sync-enabled'], ['serve', '-p8888', '--no-smd-sync-enabled']],
    ['metadata-server', ['version'], ['version']],
    ['metadata-server', ['--help'], ['serve', '--help']],
    ['metadata-server', ['--version'], ['--version']],
    ['metadata-service', [], []],
    ['metadata-service', ['--help'], ['--help']],
    ['metadata-service', ['--mock-smd', '--data-dir', './data'], ['serve', '--mock-smd', '--data-dir', './data']],
    ['metadata-service', ['--debug', 'serve', '--mock-smd'], ['serve', '--debug', '--mock-smd']],
    ['metadata-service', ['--server', 'http://x:8080', 'group', 'list'], ['--server', 'http://x:8080', 'group', 'list']],
    ['metadata-service', ['-o', 'json', 'group', 'get', 'serve'], ['-o', 'json', 'group', 'get', 'serve']],
    ['metadata-client', [], []],
    ['metadata-client', ['--server', 'http://x', 'group', 'list'], ['--server', 'http://x', 'group', 'list']],
  ])('%s %j → %j', (program, argv, expected) => {
    expect(dispatchServe(argv, program)).toEqual(expected)
  })

  it('metadata-client never serves', () => {
    expect(() => dispatchServe(['--port', '1', 'serve'], 'metadata-client')).toThrow(
      'metadata-client does not run the server: use metadata-server, or metadata-service serve',
    )
  })
  it('serves() answers whether the command line runs the server, false for the usage error (issue 19: only a server restarts with its young-generation flag)', () => {
    expect(serves(['--mock-smd'], 'metadata-service')).toBe(true)
    expect(serves([], 'metadata-server')).toBe(true)
    expect(serves(['group', 'list'], 'metadata-service')).toBe(false)
    expect(serves([], 'metadata-service')).toBe(false)
    expect(serves(['serve'], 'metadata-client')).toBe(false)
  })
})

describe('runCli under the Go service names', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mds-programs-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('metadata-server with only global server flags serves, at debug level with --debug before serve', async () => {
    let stop: ((signal: string) => void) | undefined
    const io = { ...fakeIo(), onShutdownSignal: (h: (signal: string) => void) => ((stop = h), () => undefined) }
    const argv = ['--mock-smd', '--debug', 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', join(dir, 'data')]
    const exit = runCli(argv, io, 'metadata-server')
    const lines = () => io.stdoutText().trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)
    for (let i = 0; i < 400 && !lines().some((l) => l.msg === 'listening'); i++) await new Promise((r) => setTimeout(r, 25))
    const listening = lines().find((l) => l.msg === 'listening')
    expect(listening).toMatchObject({ mockSmd: true })
    // debug lines ('debug', or pino's 20 once logs take pino's shape) show --debug took effect.
    expect(lines().some((l) => l.level === 'debug' || l.level === 20)).toBe(true)
    const res = await fetch(`http://127.0.0.1:${String(listening?.port)}/meta-data`, { headers: { 'X-Forwarded-For': '10.252.0.26' } })
    expect(res.status).toBe(200)
    stop?.('SIGTERM')
    expect(await exit).toBe(0)
  })

  it('metadata-client serve is a usage error naming the server executables (exit 2)', async () => {
    const io = fakeIo()
    expect(await runCli(['serve', '--mock-smd'], io, 'metadata-client')).toBe(2)
    expect(io.stderrText()).toMatch(/^Error: metadata-client does not run the server: use metadata-server, or metadata-service serve\n/)
  })

  it('metadata-service without arguments still prints its usage (exit 2)', async () => {
    const io = fakeIo()
    expect(await runCli([], io)).toBe(2)
    expect(io.stderrText()).toContain('metadata-service [OPTIONS] <command>')
  })
})
