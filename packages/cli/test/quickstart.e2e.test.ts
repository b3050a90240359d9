import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GOLDEN_META_DATA } from '@metadata-service/core/testing'
import { readQuickstart, type QuickstartStep } from './readme-quickstart.js'

// The README quick start (SPEC §14a) run as written against the built executable, then restart and lock checks
// (OPS-4, STO-4, STO-5, AT-28, AT-48).

const REPO = fileURLToPath(new URL('../../../', import.meta.url))
const BIN = join(REPO, 'packages/cli/bin/metadata-service.js')
const CURL_SHIM = fileURLToPath(new URL('./fixtures/curl-shim.mjs', import.meta.url))
const PORT = 8888
const BASE = `http://localhost:${PORT}`
const SERVE_LINE = 'npx metadata-service serve --port 8888 --mock-smd --data-dir ./data'
const XFF = { 'X-Forwarded-For': '10.252.0.26' }

/** NC-12 golden (SPEC §2), compared parsed. */
const NC12: unknown = parseYaml(GOLDEN_META_DATA)
const AT7 = '#include\nhttp://localhost:8888/compute.yaml\nhttp://localhost:8888/green.yaml\n'
const AT11_COMPUTE =
  '#cloud-config\nhostname: tc1000\nwrite_files:\n  - path: /etc/node-role\n    content: |\n      ROLE=compute\n      NID=1000\n      IP=10.252.0.26\n'
const AT11_GREEN = '#cloud-config\nwrite_files:\n  - path: /etc/node-color\n    content: |\n      COLOR=green\n'

/** A `serve` child process and everything it printed. */
interface Server {
  readonly child: ChildProcess
  readonly out: () => string
  readonly err: () => string
  readonly exited: Promise<number | null>
}

function childEnv(dir: string): NodeJS.ProcessEnv {
  // No METADATA_SERVICE_*, SMD_* or TOKENSMITH_* from the caller; HOME points at the temp dir so no user config is read.
  return { PATH: process.env.PATH, HOME: dir, MDS_BIN: BIN, MDS_CURL_SHIM: CURL_SHIM, LANG: 'C.UTF-8' }
}

function startServe(dir: string, args: readonly string[]): Server {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: childEnv(dir), stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')))
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, out: () => out, err: () => err, exited }
}

async function waitHealthy(server: Server): Promise<void> {
  let exitedEarly = false
  void server.exited.then(() => (exitedEarly = true))
  for (let i = 0; i < 300; i++) {
    if (exitedEarly) throw new Error(`serve exited before it was healthy:\n${server.out()}\n${server.err()}`)
    const ok = await fetch(`${BASE}/health`).then((r) => r.status === 200, () => false)
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`serve did not become healthy:\n${server.out()}\n${server.err()}`)
}

async function stop(server: Server): Promise<number | null> {
  server.child.kill('SIGTERM')
  return server.exited
}

/** Runs one README line through bash in `dir`; `npx metadata-service` is the built executable of this checkout. */
function runLine(dir: string, line: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const prelude = [
    'npx() { if [ "$1" = metadata-service ]; then shift; node "$MDS_BIN" "$@"; else command npx "$@"; fi; }',
    'command -v curl >/dev/null || curl() { node "$MDS_CURL_SHIM" "$@"; }',
  ].join('\n')
  return new Promise((resolve) => {
    execFile('bash', ['-c', `${prelude}\n${line}`], { cwd: dir, env: childEnv(dir) }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr })
    })
  })
}

async function get(path: string): Promise<string> {
  const res = await fetch(`${BASE}${path}`, { headers: XFF })
  expect(res.status).toBe(200)
  return res.text()
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer()
    probe.once('error', () => reject(new Error(`port ${port} is in use; the quick start needs it free`)))
    probe.listen(port, () => probe.close(() => resolve()))
  })
}

const steps: QuickstartStep[] = readQuickstart(join(REPO, 'README.md'))
const commands = steps.filter((s) => s.kind === 'command')
const outputs = new Map<string, string>()
const outputOf = (path: string, nth = 0): string => {
  const lines = commands.filter((c) => c.line.endsWith(`${BASE}${path}`))
  const line = lines[nth]?.line
  expect(line, `README runs curl …${path} (occurrence ${nth + 1})`).toBeDefined()
  return outputs.get(`${line}#${nth}`) as string
}

let dir: string
let server: Server | undefined

beforeAll(async () => {
  if (!existsSync(join(REPO, 'packages/cli/dist/index.js'))) {
    execFileSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: REPO, stdio: 'ignore' })
  }
  dir = await mkdtemp(join(tmpdir(), 'mds-quickstart-'))
}, 180_000)

afterAll(async () => {
  if (server !== undefined && server.child.exitCode === null) await stop(server)
  await rm(dir, { recursive: true, force: true })
})

describe('README quick start (SPEC §14a), end to end', () => {
  it('starts with the serve command and covers every document the SPEC walks through', () => {
    expect(commands[0]?.line).toBe(SERVE_LINE)
    const lines = commands.map((c) => c.line)
    for (const path of ['/health', '/meta-data', '/user-data', '/network-config', '/vendor-data', '/compute.yaml', '/green.yaml']) {
      expect(lines.some((l) => l.endsWith(`${BASE}${path}`)), path).toBe(true)
    }
    expect(lines).toContain('npx metadata-service --server http://localhost:8888 clusterdefaults create --spec "$(cat clusterdefaults.json)"')
    expect(lines.filter((l) => / group create --spec /.test(l))).toHaveLength(2)
    expect(steps.filter((s) => s.kind === 'file').map((s) => (s as { name: string }).name)).toEqual([
      'clusterdefaults.json',
      'compute.json',
      'green.json',
    ])
  })

  it('runs every README line as written and prints what the README shows', async () => {
    await assertPortFree(PORT)
    server = startServe(dir, SERVE_LINE.split(' ').slice(2))
    await waitHealthy(server)
    const seen = new Map<string, number>()
    for (const step of steps.slice(1)) {
      if (step.kind === 'file') {
        await writeFile(join(dir, step.name), step.content)
        continue
      }
      const nth = seen.get(step.line) ?? 0
      seen.set(step.line, nth + 1)
      const { code, stdout, stderr } = await runLine(dir, step.line)
      expect({ line: step.line, code, stderr }).toEqual({ line: step.line, code: 0, stderr: expect.any(String) })
      outputs.set(`${step.line}#${nth}`, stdout)
      if (step.expected !== undefined) expect(stdout.replace(/\n?$/, '\n'), step.line).toBe(step.expected)
      const created = / (clusterdefaults|group) create /.exec(step.line)?.[1]
      // Piped, as here, the CLI prints the new resource as JSON (SPEC §16 CLI).
      if (created !== undefined) expect(JSON.parse(stdout).metadata.uid).toMatch(new RegExp(`^${created}-[0-9a-f]{8}$`))
    }
    expect(server.child.exitCode).toBeNull()
  }, 120_000)

  it('answered the SPEC values: AT-2 before resources, then AT-7, AT-11 and the NC-12 golden', () => {
    const before = parseYaml(outputOf('/meta-data', 0)) as Record<string, unknown>
    expect(before).toMatchObject({ hostname: '1000', 'local-hostname': '1000', 'cluster-name': '' })
    const v1 = (before.instance_data as { v1: Record<string, unknown> }).v1
    expect((v1.vendor_data as Record<string, unknown>).groups).toEqual({ compute: {}, green: {} })
    expect(v1.vendor_data).not.toHaveProperty('cloud_init_base_url')
    expect(outputOf('/user-data')).toBe('#cloud-config\n')
    expect(parseYaml(outputOf('/network-config'))).toMatchObject({
      version: 1,
      config: [{ name: 'eth0', subnets: [{ address: '10.252.0.26/24' }] }, { name: 'eth1', subnets: [{ address: '10.100.0.26/24' }] }],
    })
    expect(JSON.parse(outputOf('/health'))).toEqual({ service: 'metadata-service', status: 'healthy' })
    expect(outputOf('/vendor-data')).toBe(AT7)
    expect(outputOf('/compute.yaml')).toBe(AT11_COMPUTE)
    expect(outputOf('/green.yaml')).toBe(AT11_GREEN)
    expect(parseYaml(outputOf('/meta-data', 1))).toEqual(NC12)
  })

  it('refuses a second serve on the same data directory with the lock message (STO-5, AT-48)', async () => {
    const second = startServe(dir, ['serve', '--port', '0', '--mock-smd', '--data-dir', './data'])
    expect(await second.exited).toBe(1)
    const pid = server?.child.pid
    expect(second.err()).toBe(
      `Error: data directory ${join(dir, 'data')} is locked by another metadata-service process (pid ${pid} on ${hostname()})\n`,
    )
  })

  it('drains and exits 0 on SIGTERM, releasing the lock (OPS-4)', async () => {
    expect(await stop(server as Server)).toBe(0)
    expect(existsSync(join(dir, 'data', 'metadata-service.lock'))).toBe(false)
    expect(server?.err()).toBe('')
  })

  it('finds everything intact after a restart on the same data directory', async () => {
    server = startServe(dir, SERVE_LINE.split(' ').slice(2))
    await waitHealthy(server)
    expect(await get('/meta-data')).toBe(outputOf('/meta-data', 1))
    expect(await get('/vendor-data')).toBe(AT7)
    expect(await get('/compute.yaml')).toBe(AT11_COMPUTE)
    expect(await stop(server)).toBe(0)
  }, 60_000)

  it('starts despite a corrupt groups/*.json, logs it, and serves the rest (STO-4, AT-48)', async () => {
    const bad = join(dir, 'data', 'groups', 'group-deadbeef.json')
    await mkdir(join(dir, 'data', 'groups'), { recursive: true })
    await writeFile(bad, '{')
    server = startServe(dir, SERVE_LINE.split(' ').slice(2))
    await waitHealthy(server)
    const logs = server.out().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(logs.some((l) => l.level === 50 && JSON.stringify(l).includes(bad))).toBe(true)
    expect(logs.find((l) => l.msg === 'resource store opened')).toMatchObject({ corruptFiles: 1 })
    expect(await get('/meta-data')).toBe(outputOf('/meta-data', 1))
    expect(existsSync(bad)).toBe(true)
    expect(await stop(server)).toBe(0)
  }, 60_000)
})

describe('serve startup errors', () => {
  it('exits 1 without SMD_URL and without --mock-smd (AT-28)', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'mds-nosmd-'))
    try {
      const run = startServe(empty, ['serve', '--port', '0'])
      expect(await run.exited).toBe(1)
      expect(run.err()).toBe('Error: SMD_URL is required unless --mock-smd is set\n')
      expect(existsSync(join(empty, 'data'))).toBe(false)
    } finally {
      await rm(empty, { recursive: true, force: true })
    }
  })
})
