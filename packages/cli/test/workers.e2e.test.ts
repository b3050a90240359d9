import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, request as httpRequest, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runtimeHasReusePort } from '@metadata-service/adapter-http'
import { fakeNodeIp, fakeXname, generateFakeNodes, startFakeSmd, type FakeSmd } from '@metadata-service/adapter-smd/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { queuedConnectionsMigrate } from '../src/tcp-migrate.js'
import { loggedLine, spawnServe, type SpawnedServe } from './spawned-serve.js'

// `serve --workers 2` as operators run it: the built executable, node:cluster, one port, a fake SMD on the real wire
// contract. Every request goes on a new connection (the OPS-7 storm), so the kernel spreads them over the workers.

const NODES = 40
const TEMPLATE = '#cloud-config\nwrite_files:\n  - path: /etc/node-role\n    content: |\n      IP={{ ip }}\n'

let dir: string
let smd: FakeSmd
const children: SpawnedServe[] = []

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mds-workers-'))
  smd = await startFakeSmd({ nodes: generateFakeNodes(NODES) })
})
afterEach(async () => {
  for (const served of children.splice(0)) {
    if (served.child.exitCode === null) {
      // The whole group: a test that failed half-way must not leave workers behind.
      for (const pid of childPids(served.child.pid)) process.kill(pid, 'SIGKILL')
      served.child.kill('SIGKILL')
    }
    await served.exited
  }
  await smd.close()
  await rm(dir, { recursive: true, force: true })
})

function serve(extra: readonly string[]): SpawnedServe {
  const args = ['--workers', '2', '--host', '127.0.0.1', '--data-dir', join(dir, 'data'), '--smd-sync-interval', '86400', ...extra]
  const served = spawnServe(args, { HOME: dir, SMD_URL: smd.url })
  children.push(served)
  return served
}

/** One request on a connection of its own. */
function fresh(port: number, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end(init.body)
  })
}

const asNode = (i: number) => ({ 'X-Forwarded-For': fakeNodeIp(i, 'HMN') })

/** A port free on 127.0.0.1 right now (bound and released). */
async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as { port: number }
  await new Promise((resolve) => probe.close(resolve))
  return port
}

function childPids(pid: number | undefined): number[] {
  if (pid === undefined) return []
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number)
  } catch {
    return [] // pgrep exits 1 when there are none
  }
}

describe('serve --workers 2 (OPS-7, ARCHITECTURE processes)', { timeout: 60_000 }, () => {
  it('answers from both workers with one SMD sync, writes through the primary, one /metrics, and stops together', async () => {
    const served = serve(['--port', '0'])
    const port = (await loggedLine(served, 'listening')).port as number
    expect((await loggedLine(served, 'listening')).workers).toBe(2)
    // With port 0 each worker's own SO_REUSEPORT socket would get a port of its own (issue 19).
    expect((await loggedLine(served, 'listening')).balancing).toBe('shared-socket')
    for (let i = 0; i < 200 && (await fresh(port, '/health')).status !== 200; i++) await new Promise((r) => setTimeout(r, 25))

    // The kernel hands each new connection to one of the workers (SCHED_NONE): ask until both have answered.
    const workersSeen = () => new Set(served.lines().filter((l) => l.msg === 'request').map((l) => l.worker))
    let asked = 0
    while (asked < 2 * NODES || (workersSeen().size < 2 && asked < 1_000)) {
      const res = await fresh(port, '/meta-data', { headers: asNode(asked % NODES) })
      expect(res.status).toBe(200)
      expect(res.body).toMatch(new RegExp(`^instance-id: ${fakeXname(asked % NODES)}\n`))
      asked++
    }
    expect([...workersSeen()].sort()).toEqual([1, 2])
    // One sync of four calls for the whole group, none per request (SMD-7, OPS-7).
    expect(smd.calls()).toBe(4)
    // A miss is looked up once by the primary whichever worker is asked, then negatively cached (SMD-11, SMD-12).
    for (let k = 0; k < 6; k++) expect((await fresh(port, '/meta-data', { headers: { 'X-Forwarded-For': '10.9.9.9' } })).status).toBe(404)
    expect(smd.calls() - 4).toBe(1)

    // A write lands in the primary's store and reaches every worker.
    const body = JSON.stringify({ metadata: { name: 'compute' }, spec: { description: 'Compute nodes', template: TEMPLATE } })
    const created = await fresh(port, '/groups', { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    expect(created.status).toBe(201)
    const expected = `#cloud-config\nwrite_files:\n  - path: /etc/node-role\n    content: |\n      IP=${fakeNodeIp(3, 'HMN')}\n`
    const answers: string[] = []
    for (let k = 0; k < 10; k++) answers.push((await fresh(port, '/compute.yaml', { headers: asNode(3) })).body)
    expect(answers).toEqual(Array(10).fill(expected))
    expect(existsSync(join(dir, 'data', 'groups'))).toBe(true)
    // Compare-and-swap is judged by the primary's store (RES-5): a stale If-Match is refused on any worker.
    const uid = (JSON.parse(created.body) as { metadata: { uid: string } }).metadata.uid
    const put = (description: string) =>
      fresh(port, `/groups/${uid}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'If-Match': '"1"' },
        body: JSON.stringify({ metadata: { name: 'compute' }, spec: { description, template: TEMPLATE } }),
      })
    expect((await put('first')).status).toBe(200)
    expect((await put('second')).status).toBe(412)

    // Any worker's /metrics shows the whole group: requests summed, the primary's snapshot once (SVC-4).
    const metrics = (await fresh(port, '/metrics')).body
    expect(metrics).toContain(`metadata_service_http_requests_total{method="GET",route="/meta-data",status="200"} ${asked}\n`)
    expect(metrics).toContain(`metadata_service_smd_snapshot_nodes ${NODES}\n`)
    // Process families cover the primary and both workers: memory adds up (against /proc read just after), one
    // build_info (issue 17).
    const rss = Number(/^process_resident_memory_bytes (\d+)$/m.exec(metrics)?.[1])
    const pids = [served.child.pid ?? 0, ...childPids(served.child.pid)]
    const procRss = pids.map((pid) => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024)
    expect(pids).toHaveLength(3)
    const total = procRss.reduce((a, b) => a + b, 0)
    expect(rss / total, `${rss} reported, ${procRss.join(' + ')} in /proc`).toBeGreaterThan(0.8)
    expect(rss / total).toBeLessThan(1.25)
    expect(metrics.match(/^metadata_service_build_info\{.*\} 1$/gm)).toHaveLength(1)

    served.child.kill('SIGTERM')
    expect(await served.exited).toBe(0)
    expect(served.lines().filter((l) => l.msg === 'stopped').length).toBe(3)
    expect(existsSync(join(dir, 'data', 'metadata-service.lock'))).toBe(false)
  })

  it('replaces a worker that dies and keeps serving', async () => {
    const served = serve(['--port', '0', '--mock-smd'])
    const port = (await loggedLine(served, 'listening')).port as number
    const [victim] = childPids(served.child.pid)
    expect(victim).toBeDefined()
    process.kill(victim as number, 'SIGKILL')
    expect(await loggedLine(served, 'worker exited; starting a new one')).toMatchObject({ level: 50, signal: 'SIGKILL' })
    for (let i = 0; i < 200 && childPids(served.child.pid).length < 2; i++) await new Promise((r) => setTimeout(r, 25))
    expect(childPids(served.child.pid)).toHaveLength(2)
    const statuses = []
    for (let k = 0; k < 20; k++) statuses.push((await fresh(port, '/meta-data', { headers: { 'X-Forwarded-For': '10.252.0.26' } })).status)
    expect(statuses).toEqual(Array(20).fill(200))
    served.child.kill('SIGINT')
    expect(await served.exited).toBe(0)
  })

  // Issue 19: the CI runs the suite on Node 24, which has reusePort; an older runtime keeps the one shared socket.
  it('on a fixed port each worker listens on a socket of its own (SO_REUSEPORT, where the runtime has it) and the kernel spreads new connections over them', async () => {
    const reuse = runtimeHasReusePort()
    const port = await freePort()
    const served = serve(['--port', String(port), '--mock-smd'])
    const listening = await loggedLine(served, 'listening')
    expect(listening).toMatchObject({ port, workers: 2, balancing: reuse ? 'reuseport' : 'shared-socket' })
    // Whether a worker that exits hands its queued connections on (net.ipv4.tcp_migrate_req), and what to do if not.
    const migrate = reuse ? queuedConnectionsMigrate() : undefined
    expect(listening.migrateQueued).toBe(migrate)
    const HINT = 'connections queued on a worker that exits are reset'
    if (migrate === false) expect((await loggedLine(served, HINT)).hint).toContain('net.ipv4.tcp_migrate_req=1')
    // Two listening sockets on the port, one per worker; node:cluster's shared handle is one socket.
    const sockets = execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' }).trim().split('\n')
    expect(sockets).toHaveLength(reuse ? 2 : 1)
    const workersSeen = () => new Set(served.lines().filter((l) => l.msg === 'request').map((l) => l.worker))
    for (let asked = 0; workersSeen().size < 2 && asked < 1_000; asked++) expect((await fresh(port, '/health')).status).toBe(200)
    expect([...workersSeen()].sort()).toEqual([1, 2])
    if (migrate !== false) expect(served.lines().some((l) => l.msg === HINT)).toBe(false)
  })

  it('exits 1 and releases the lock when the workers cannot bind the port', async () => {
    const blocker: Server = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    try {
      const served = serve(['--port', String((blocker.address() as { port: number }).port), '--mock-smd'])
      expect(await served.exited).toBe(1)
      expect(served.output()).toContain('EADDRINUSE')
      expect(served.output()).toMatch(/Error: worker \d exited during startup \(code 1\); see its log above\n/)
      expect(existsSync(join(dir, 'data', 'metadata-service.lock'))).toBe(false)
    } finally {
      blocker.close()
    }
  })
})
