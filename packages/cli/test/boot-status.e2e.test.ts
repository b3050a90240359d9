import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fakeNodeIp, fakeXname, generateFakeNodes, startFakeSmd } from '@metadata-service/adapter-smd/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONFIGURED, FAILING, HALFWAY, IDLE, NODES, startBoot, UNKNOWN, xnamesOf, type BootReportJson, type BootRun } from './_boot-script.js'
import { BIN, loggedLine, spawnServe } from './spawned-serve.js'

// BOOT end to end (issue 15): the built server, a fake SMD with 300 nodes, a scripted boot (most nodes fetch
// everything, 15 stop halfway, one keeps failing, 4 never ask, two unknown addresses knock). The API, the CLI's
// `status -o json` and `status --wait`, and /metrics must all tell the script's story.

const EXPECTED_SUMMARY = { nodes: NODES, idle: IDLE.length, booting: 0, configured: CONFIGURED, 'phoned-home': 0, stuck: HALFWAY.length, failing: 1 }
const NEEDING_ATTENTION = [...xnamesOf(HALFWAY), fakeXname(FAILING)].sort()
const NOT_CONFIGURED = [...NEEDING_ATTENTION, ...xnamesOf(IDLE)].sort()

let boot: BootRun
beforeAll(async () => {
  boot = await startBoot()
}, 180_000)
afterAll(async () => {
  await boot?.close()
})

describe('boot status end to end (BOOT)', { timeout: 60_000 }, () => {
  it('GET /boot-status tells the script: states, groups, the stuck and failing nodes, the unknown addresses', async () => {
    const report = (await (await fetch(`${boot.url}/boot-status?state=stuck,failing`)).json()) as BootReportJson
    expect(report.summary).toEqual(EXPECTED_SUMMARY)
    expect(report.groups.compute).toEqual(EXPECTED_SUMMARY)
    // rack0 holds nodes 0..63, all configured; rack4 holds 256..299.
    expect(report.groups.rack0).toMatchObject({ nodes: 64, configured: 64 })
    expect(report.groups.rack4).toMatchObject({ nodes: 44, configured: 24, stuck: 15, failing: 1, idle: 4 })
    expect(report.nodes.map((n) => n.xname).sort()).toEqual(NEEDING_ATTENTION)
    expect(report.nodes.find((n) => n.state === 'stuck')?.missing).toEqual(['vendor-data', 'compute.yaml'])
    expect(report.nodes.find((n) => n.xname === fakeXname(FAILING))).toMatchObject({ state: 'failing', lastDocument: 'storage.yaml', lastStatus: 404 })
    expect(report.unknownAddresses).toMatchObject({ addresses: 2, requests: 5, dropped: 0 })
    expect(report.unknownAddresses.entries.map((e) => [e.address, e.requests, e.lastPath]).sort()).toEqual([
      [UNKNOWN[0].address, 3, '/meta-data'],
      [UNKNOWN[1].address, 2, '/vendor-data'],
    ])
  })

  it('`status -o json` prints the same summary and the nodes that need attention', async () => {
    const { code, stdout, stderr } = await boot.cli(['status', '-o', 'json'])
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    const report = JSON.parse(stdout) as BootReportJson
    expect(report.summary).toEqual(EXPECTED_SUMMARY)
    expect(report.nodes.map((n) => n.xname).sort()).toEqual(NEEDING_ATTENTION)
    expect(report.unknownAddresses.entries.map((e) => e.address).sort()).toEqual(UNKNOWN.map((u) => u.address))
  })

  it('`status` (table) names the failing node, a stuck one and the unknown addresses', async () => {
    const { code, stdout } = await boot.cli(['status', '-o', 'table'])
    expect(code).toBe(0)
    expect(stdout).toContain(`${fakeXname(FAILING)}  failing`)
    expect(stdout).toContain(`${fakeXname(HALFWAY[0] as number)}  stuck`)
    expect(stdout).toContain('UNKNOWN ADDRESSES: 2 (5 requests)')
    for (const { address } of UNKNOWN) expect(stdout).toContain(address)
  })

  it('`status --wait configured --group compute` times out with exit 1 and lists the nodes that are not configured', async () => {
    const table = await boot.cli(['status', '--wait', 'configured', '--group', 'compute', '--timeout', '1s', '-o', 'table'])
    expect(table.code).toBe(1)
    expect(table.stdout).toMatch(/^Timed out after 1 s: 20 of 300 nodes of group compute are not configured \(or phoned home\):\n/)
    for (const xname of NOT_CONFIGURED) expect(table.stdout).toContain(xname)
    const json = await boot.cli(['status', '--wait', 'configured', '--group', 'compute', '--timeout', '1s', '-o', 'json'])
    expect(json.code).toBe(1)
    const result = JSON.parse(json.stdout) as { satisfied: boolean; nodes: number; pending: Array<{ xname: string }> }
    expect(result).toMatchObject({ wait: 'configured', group: 'compute', satisfied: false, nodes: NODES })
    expect(result.pending.map((n) => n.xname).sort()).toEqual(NOT_CONFIGURED)
  })

  it('`status --wait configured` exits 0 at once for a group that is all configured, and 1 for an unknown group', async () => {
    expect(await boot.cli(['status', '--wait', 'configured', '--group', 'rack0', '--timeout', '30s', '-o', 'table'])).toEqual({
      code: 0,
      stdout: 'All 64 nodes of group rack0 are configured (or phoned home).\n',
      stderr: '',
    })
    const unknown = await boot.cli(['status', '--wait', 'configured', '--group', 'rakc0', '-o', 'table'])
    expect(unknown).toMatchObject({ code: 1, stderr: 'Error: API error (400): invalid query parameter group: unknown group "rakc0"\n' })
  })

  it('/metrics shows the same counts per state and per group, and the unknown addresses', async () => {
    const text = await (await fetch(`${boot.url}/metrics`)).text()
    const value = (series: string) => Number(text.split('\n').find((line) => line.startsWith(`${series} `))?.split(' ')[1])
    for (const [state, count] of Object.entries(EXPECTED_SUMMARY)) {
      if (state !== 'nodes') expect([state, value(`metadata_service_boot_nodes{state="${state}"}`)]).toEqual([state, count])
    }
    expect(value('metadata_service_boot_group_nodes{group="compute",state="configured"}')).toBe(CONFIGURED)
    expect(value('metadata_service_boot_group_nodes{group="rack4",state="stuck"}')).toBe(HALFWAY.length)
    expect(value('metadata_service_boot_unknown_addresses')).toBe(2)
    expect(value('metadata_service_boot_unknown_requests_total')).toBe(5)
    expect(value('metadata_service_boot_unknown_dropped_total')).toBe(0)
  })

  it('`status --watch -o json` follows the events: a line per event, exit 0 on SIGINT', async () => {
    const child = spawn(process.execPath, [BIN, '--server', boot.url, 'status', '--watch', '-o', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    const line = (n: number) => out.split('\n').filter((l) => l.startsWith('{'))[n]
    for (let i = 0; i < 300 && line(0) === undefined; i++) await new Promise((r) => setTimeout(r, 50))
    expect(JSON.parse(line(0) as string)).toMatchObject({ summary: EXPECTED_SUMMARY, unknownAddresses: { addresses: 2, requests: 5 } })
    // A node starts booting: the next event says so.
    expect(await boot.fetchAs('/meta-data', IDLE[0] as number)).toBe(200)
    for (let i = 0; i < 300 && line(1) === undefined; i++) await new Promise((r) => setTimeout(r, 50))
    expect(JSON.parse(line(1) as string)).toMatchObject({ summary: { booting: 1, idle: IDLE.length - 1 } })
    child.kill('SIGINT')
    expect(await exited).toBe(0)
  })
})

describe('boot status across --workers (BOOT)', { timeout: 90_000 }, () => {
  it('is one record: every worker reports to the primary, and any worker answers from it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mds-boot-workers-'))
    const smd = await startFakeSmd({ nodes: generateFakeNodes(40) })
    const served = spawnServe(['--workers', '2', '--host', '127.0.0.1', '--port', '0', '--data-dir', join(dir, 'data')], { HOME: dir, SMD_URL: smd.url })
    try {
      const port = (await loggedLine(served, 'listening')).port as number
      // Each request on a connection of its own, so the kernel spreads them over both workers.
      const fresh = (path: string, headers: Record<string, string> = {}) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = httpRequest({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
            let body = ''
            res.on('data', (c: Buffer) => (body += c.toString('utf8')))
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
          })
          req.on('error', reject)
          req.end()
        })
      for (let i = 0; i < 200 && (await fresh('/health')).status !== 200; i++) await new Promise((r) => setTimeout(r, 25))
      for (let i = 0; i < 40; i++) expect((await fresh('/meta-data', { 'X-Forwarded-For': fakeNodeIp(i, 'HMN') })).status).toBe(200)
      const workers = new Set(served.lines().filter((l) => l.msg === 'request' && l.route === '/meta-data').map((l) => l.worker))
      expect(workers.size).toBe(2)
      // Batches reach the primary within a few hundred ms; then every worker's answer is the same whole record.
      let summaries: unknown[] = []
      for (let i = 0; i < 100; i++) {
        summaries = await Promise.all(Array.from({ length: 6 }, async () => (JSON.parse((await fresh('/boot-status')).body) as BootReportJson).summary))
        if (summaries.every((s) => (s as { booting: number }).booting === 40)) break
        await new Promise((r) => setTimeout(r, 100))
      }
      expect(summaries).toEqual(Array(6).fill({ nodes: 40, idle: 0, booting: 40, configured: 0, 'phoned-home': 0, stuck: 0, failing: 0 }))
      expect((await fresh('/metrics')).body).toContain('metadata_service_boot_nodes{state="booting"} 40\n')
    } finally {
      served.child.kill('SIGTERM')
      await served.exited
      await smd.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
