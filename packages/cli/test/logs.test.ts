import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startFakeSmd, startFakeTokenSmith, type FakeSmd, type FakeTokenSmith } from '@metadata-service/adapter-smd/testing'
import { QUICKSTART_GROUP_COMPUTE } from '@metadata-service/core/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../src/main.js'
import { fakeIo } from './helpers.js'
import { listening, SMD_TEST_NODE, startServe, type Running } from './serve-helpers.js'

// OPS-5 and SEC-4 on the real startup path (fake SMD and TokenSmith on their wire contracts): structured JSON lines,
// a request id on every request line, and no secret or token anywhere in what the service or the client prints.

const SECRETS = {
  smdJwt: 'sec4-smd-jwt-7f3a0c',
  smdToken: 'sec4-smd-token-91c2aa',
  bootstrap: 'sec4-bootstrap-5d1e77',
  cliToken: 'sec4-cli-token-e2d4f0',
  requestBearer: 'sec4-request-bearer-0b9f13',
}
const NODE = SMD_TEST_NODE

let dir: string
let smd: FakeSmd | undefined
let tokensmith: FakeTokenSmith | undefined
let running: Running | undefined
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mds-logs-'))
})
afterEach(async () => {
  running?.signal('SIGTERM')
  await running?.exit
  running = undefined
  await smd?.close()
  await tokensmith?.close()
  smd = tokensmith = undefined
  await rm(dir, { recursive: true, force: true })
})

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe('logs (OPS-5, SEC-4)', () => {
  it('never print SMD_JWT, SMD_TOKEN, the bootstrap token, access or refresh tokens, --token or a request bearer', async () => {
    tokensmith = await startFakeTokenSmith({ bootstrapToken: SECRETS.bootstrap, expiresIn: 2 })
    const ts = tokensmith
    smd = await startFakeSmd({ nodes: [NODE], tokens: (t) => ts.isValidAccessToken(t) })
    running = startServe(
      dir,
      ['--tokensmith-url', ts.url, '--smd-sync-interval', '1', '--tokensmith-refresh-skew-sec', '1', '--log-level', 'debug'],
      { SMD_URL: smd.url, SMD_JWT: SECRETS.smdJwt, SMD_TOKEN: SECRETS.smdToken, TOKENSMITH_BOOTSTRAP_TOKEN: SECRETS.bootstrap },
    )
    const server = `http://127.0.0.1:${await listening(running)}`
    await until(async () => (await fetch(`${server}/health`)).status === 200, 'the first sync')
    // The access token expires in 2 s with a 1 s skew: at least one refresh (rotating the refresh token) happens.
    await until(() => ts.calls('token') >= 2, 'a token refresh')

    const bearer = { Authorization: `Bearer ${SECRETS.requestBearer}` }
    const asNode = { ...bearer, 'X-Forwarded-For': '10.0.0.100' }
    expect((await fetch(`${server}/meta-data`, { headers: asNode })).status).toBe(200)
    expect((await fetch(`${server}/compute.yaml`, { headers: asNode })).status).toBe(200)
    expect((await fetch(`${server}/nope`, { headers: bearer })).status).toBe(404)
    const json = { ...bearer, 'Content-Type': 'application/json' }
    expect((await fetch(`${server}/groups`, { method: 'POST', headers: json, body: JSON.stringify(QUICKSTART_GROUP_COMPUTE) })).status).toBe(201)
    expect((await fetch(`${server}/render`, { method: 'POST', headers: json, body: JSON.stringify({ node: NODE.xname }) })).status).toBe(200)

    const client = fakeIo()
    expect(await runCli(['--server', server, '--token', SECRETS.cliToken, 'group', 'list', '-o', 'json'], client)).toBe(0)
    expect(await runCli(['--server', server, '--token', SECRETS.cliToken, 'group', 'get', 'group-00000000'], client)).toBe(1)
    expect(await runCli(['--server', 'http://127.0.0.1:1', '--token', SECRETS.cliToken, 'health'], client)).toBe(1)

    running.signal('SIGTERM')
    expect(await running.exit).toBe(0)
    const printed = [running.io.stdoutText(), running.io.stderrText(), client.stdoutText(), client.stderrText()].join('\n')
    for (const secret of Object.values(SECRETS)) expect(printed).not.toContain(secret)
    // Every access and refresh token the fake TokenSmith issued (`access-<n>`, `refresh-<n>`).
    expect(printed).not.toMatch(/\b(access|refresh)-\d+\b/)

    const lines = running.logs()
    // SPEC §16 Logs: pino's line shape.
    for (const l of lines) expect([typeof l.level, typeof l.time, typeof l.pid, typeof l.hostname, typeof l.msg], JSON.stringify(l)).toEqual(['number', 'number', 'number', 'string', 'string'])
    expect(lines.find((l) => l.msg === 'configuration')?.config).toMatchObject({
      smd_jwt: '***',
      smd_token: '***',
      tokensmith_bootstrap_token: '***',
      tokensmith_url: ts.url,
    })
    const requests = lines.filter((l) => l.msg === 'request')
    // meta-data, compute.yaml, /nope, POST /groups, POST /render and the two client calls, beside the /health polls.
    expect(requests.filter((l) => l.route !== '/health').length).toBe(7)
    expect(requests.every((l) => typeof l.reqId === 'string' && (l.reqId as string).length > 0)).toBe(true)
    // The audit trail: one line per document fetch, with node, document and status.
    expect(requests.filter((l) => l.document !== undefined).map((l) => [l.node, l.document, l.status])).toEqual([
      [NODE.xname, 'meta-data', 200],
      [NODE.xname, 'compute.yaml', 200],
    ])
  })

  it('honour --log-level: no debug lines at info, no info lines at warn', async () => {
    const levels = async (argv: string[]) => {
      // At warn the `listening` line is not written either, so the port is chosen here (a later --port wins).
      const port = await freePort()
      const run = startServe(dir, ['--mock-smd', '--port', String(port), ...argv])
      const server = `http://127.0.0.1:${port}`
      await until(() => fetch(`${server}/health`).then((r) => r.status === 200, () => false), 'the server')
      await fetch(`${server}/meta-data`, { headers: { 'X-Forwarded-For': '10.252.0.26' } })
      run.signal('SIGTERM')
      expect(await run.exit).toBe(0)
      const lines = run.io.stdoutText().trim().split('\n').filter(Boolean)
      await rm(join(dir, 'data'), { recursive: true, force: true })
      return { lines, levels: new Set(lines.map((l) => (JSON.parse(l) as { level: number }).level)) }
    }
    // pino's level numbers: debug 20, info 30, warn 40, error 50.
    const debug = await levels(['--log-level', 'debug'])
    expect(debug.levels.has(20)).toBe(true)
    expect(debug.lines.some((l) => l.includes('"msg":"configuration sources"'))).toBe(true)
    const info = await levels([])
    expect(info.levels.has(20)).toBe(false)
    expect(info.lines.some((l) => l.includes('"msg":"request"'))).toBe(true)
    const warn = await levels(['--log-level', 'warn'])
    expect([...warn.levels].filter((level) => level < 40)).toEqual([])
  })

  it("are read by pino-pretty as they are, with no option (SPEC §16 Logs)", async () => {
    const config = join(dir, 'config.yaml')
    running = startServe(dir, ['--mock-smd', '--config', config], {}, { [config]: 'prot: 8080\n' })
    const server = `http://127.0.0.1:${await listening(running)}`
    expect((await fetch(`${server}/meta-data`, { headers: { 'X-Forwarded-For': '10.252.0.26' } })).status).toBe(200)
    running.signal('SIGTERM')
    expect(await running.exit).toBe(0)

    // The pino-pretty executable, as an operator pipes into it: `metadata-service serve | pino-pretty`.
    const bin = createRequire(import.meta.url).resolve('pino-pretty/bin.js')
    const pretty = promisify(execFile)(process.execPath, [bin], { env: { ...process.env, NO_COLOR: '1' } })
    pretty.child.stdin?.end(running.io.stdoutText())
    const { stdout } = await pretty
    const pid = process.pid
    expect(stdout).toMatch(new RegExp(`^\\[\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] WARN \\(${pid}\\): unknown config key prot in ${config}`, 'm'))
    expect(stdout).toMatch(new RegExp(`^\\[[\\d:.]+\\] INFO \\(${pid}\\): listening\n(    .*\n)*    port: \\d+\n`, 'm'))
    expect(stdout).toMatch(new RegExp(`^\\[[\\d:.]+\\] INFO \\(${pid}\\): request\n(    .*\n)*    node: "x1000c0s0b0n0"\n(    .*\n)*    document: "meta-data"\n`, 'm'))
    // Nothing pino-pretty could not read (it passes such lines through unchanged).
    expect(stdout.split('\n').filter((l) => l.startsWith('{'))).toEqual([])
  })
})
