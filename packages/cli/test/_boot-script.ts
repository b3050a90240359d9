import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fakeNodeIp, fakeXname, generateFakeNodes, startFakeSmd, type FakeSmd } from '@metadata-service/adapter-smd/testing'
import { BIN, loggedLine, spawnServe, type SpawnedServe } from './spawned-serve.js'

// BOOT end to end: a scripted boot of a few hundred fake-SMD nodes against the built server, shared by the API/CLI
// test and the page test. Every request names its node in X-Forwarded-For from loopback (a trusted proxy, ID-2).

export const NODES = 300
/** Nodes 0..279 fetch everything vendor-data lists and are configured. */
export const CONFIGURED = 280
/** Nodes 280..294 stop halfway (meta-data, network-config, user-data): stuck once `STUCK_AFTER_S` has passed. */
export const HALFWAY = Array.from({ length: 15 }, (_, k) => CONFIGURED + k)
/** Node 295 keeps asking for a group it is not in: failing. */
export const FAILING = 295
/** Nodes 296..299 never ask: idle. */
export const IDLE = [296, 297, 298, 299]
/** Two addresses SMD does not know: 3 and 2 requests. */
export const UNKNOWN = [
  { address: '10.200.0.1', paths: ['/meta-data', '/meta-data', '/meta-data'] },
  { address: '10.200.0.2', paths: ['/meta-data', '/vendor-data'] },
] as const
export const STUCK_AFTER_S = 3

export const xnamesOf = (indexes: readonly number[]) => indexes.map(fakeXname)

/** A running boot: the fake SMD, the served executable and its URL. */
export interface BootRun {
  readonly url: string
  readonly smd: FakeSmd
  readonly served: SpawnedServe
  /** GET `path` as node `i` (or as `address`), returns the status. */
  fetchAs(path: string, who: number | string): Promise<number>
  /** Runs the CLI (`metadata-service --server <url> <args>`); resolves with its exit code and output. */
  cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }>
  close(): Promise<void>
}

/**
 * Starts a fake SMD with {@link NODES} nodes (groups `compute` and `rack<n>`) and the built server
 * (`boot_stuck_after` {@link STUCK_AFTER_S} s), creates Group `compute` with a template (so vendor-data lists
 * `compute.yaml`), runs the boot script and waits until the halfway nodes are stuck.
 */
export async function startBoot(extraArgs: readonly string[] = []): Promise<BootRun> {
  const dir = await mkdtemp(join(tmpdir(), 'mds-boot-'))
  const smd = await startFakeSmd({ nodes: generateFakeNodes(NODES) })
  const served = spawnServe(
    ['--host', '127.0.0.1', '--port', '0', '--data-dir', join(dir, 'data'), '--smd-sync-interval', '86400', '--boot-stuck-after', String(STUCK_AFTER_S), ...extraArgs],
    { HOME: dir, SMD_URL: smd.url },
  )
  const close = async () => {
    if (served.child.exitCode === null) served.child.kill('SIGTERM')
    await served.exited
    await smd.close()
    await rm(dir, { recursive: true, force: true })
  }
  try {
    const port = (await loggedLine(served, 'listening')).port as number
    const url = `http://127.0.0.1:${port}`
    for (let i = 0; i < 400 && (await fetch(`${url}/health`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 25))
    const run: BootRun = {
      url,
      smd,
      served,
      fetchAs: async (path, who) => {
        const address = typeof who === 'number' ? fakeNodeIp(who, 'HMN') : who
        const res = await fetch(`${url}${path}`, { headers: { 'X-Forwarded-For': address } })
        await res.arrayBuffer()
        return res.status
      },
      cli: (args) =>
        new Promise((resolve) => {
          execFile(process.execPath, [BIN, '--server', url, ...args], { env: { PATH: process.env.PATH, HOME: dir } }, (err, stdout, stderr) => {
            const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1
            resolve({ code, stdout, stderr })
          })
        }),
      close,
    }
    const created = await fetch(`${url}/groups`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ metadata: { name: 'compute' }, spec: { template: '#cloud-config\nhostname: {{ hostname }}\n' } }),
    })
    if (created.status !== 201) throw new Error(`group create answered ${created.status}`)
    await runScript(run)
    return run
  } catch (err) {
    await close()
    throw err
  }
}

/** Polls `GET /boot-status` until `done(report)`; throws with the last report after about `tries` × 100 ms. */
export async function waitForReport(url: string, done: (report: BootReportJson) => boolean, tries = 300): Promise<BootReportJson> {
  let report: BootReportJson | undefined
  for (let i = 0; i < tries; i++) {
    report = (await (await fetch(`${url}/boot-status?state=stuck,failing`)).json()) as BootReportJson
    if (done(report)) return report
    await new Promise((r) => setTimeout(r, 100))
  }
  const nodes = report?.nodes.map((n) => `${n.xname} ${n.state} last ${n.lastDocument ?? '-'} ${n.lastStatus ?? '-'} missing ${n.missing.join(',')}`)
  throw new Error(`boot status never settled: ${JSON.stringify(report?.summary)}\n${(nodes ?? []).join('\n')}`)
}

/** The parts of a `/boot-status` answer the tests read. */
export interface BootReportJson {
  readonly summary: Record<string, number>
  readonly groups: Record<string, Record<string, number>>
  readonly nodes: Array<{ xname: string; state: string; lastDocument?: string; lastStatus?: number; missing: string[] }>
  readonly matched: number
  readonly unknownAddresses: { addresses: number; requests: number; dropped: number; entries: Array<{ address: string; requests: number; lastPath: string }> }
}

// --- internal ---

async function runScript(run: BootRun): Promise<void> {
  const expectOk = async (path: string, who: number | string, status = 200) => {
    const got = await run.fetchAs(path, who)
    if (got !== status) throw new Error(`${path} as ${String(who)}: ${got}, expected ${status}`)
  }
  const full = ['/meta-data', '/network-config', '/user-data', '/vendor-data', '/compute.yaml']
  const half = ['/meta-data', '/network-config', '/user-data']
  // Eight nodes at a time, each fetching its documents in cloud-init's order.
  const work: Array<() => Promise<void>> = []
  for (let i = 0; i < CONFIGURED; i++) {
    work.push(async () => {
      for (const path of full) await expectOk(path, i)
    })
  }
  for (const i of HALFWAY) work.push(async () => {
    for (const path of half) await expectOk(path, i)
  })
  work.push(async () => {
    await expectOk('/meta-data', FAILING)
    for (let k = 0; k < 3; k++) await expectOk('/storage.yaml', FAILING, 404)
  })
  for (const { address, paths } of UNKNOWN) work.push(async () => {
    for (const path of paths) await expectOk(path, address, 404)
  })
  for (let k = 0; k < work.length; k += 8) await Promise.all(work.slice(k, k + 8).map((task) => task()))
  await waitForReport(run.url, (report) => report.summary.stuck === HALFWAY.length)
}
