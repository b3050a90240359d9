// Benchmark (not a test): full syncs of 10k and 100k nodes from the fake SMD over real HTTP (SMD-7; OPS-7 wants a
// 100k sync ≤ 3 s, p99 of requests during it ≤ 50 ms, the whole server ≤ 400 MB). The fake SMD runs in a child
// process so its socket writes do not count, and each pipeline is measured in a fresh child process of its own,
// so peak RSS belongs to that pipeline alone:
//   stream — the inventory as shipped: bulk payloads read in cuts into the snapshot builder (client.bulkSnapshot);
//   whole  — the pipeline before OPS-7 work, for comparison in the same run: each body read as one text,
//            JSON.parse, zod-parsed by wire.ts, then buildSnapshot.
//   process — as `serve` runs it (issue 19): the stream pipeline in a child process (createSyncProcess), the node
//            table sent back in 1 MiB chunks; CPU figures are this process's only (not the child's), stalls and
//            lateness its main thread's, RSS this process's.
// Per pipeline: a first sync, then SYNCS full syncs (each into a new inventory while the previous one keeps its
// snapshot alive, as when SMD changed everything) and SYNCS periodic syncs with SMD unchanged; medians of wall and
// CPU time, the longest event-loop stall (perf_hooks histogram) and p99/max lateness of a 2 ms request-like timer
// over all those syncs, peak RSS (sampled every 5 ms) and RSS/heap at the end.
//   npm run bench -w @metadata-service/adapter-smd [-- --nodes 100000 --syncs 5 --rounds 3]
import { fork } from 'node:child_process'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import { silentLogger, type Inventory } from '@metadata-service/core'
import {
  buildSnapshot,
  createSmdClient,
  createSmdInventory,
  createStaticTokenSource,
  createSyncProcess,
  parseComponents,
  parseEndpoints,
  parseInterfaces,
  parseMemberships,
  type SmdClient,
} from '../src/index.js'
import { fakeNodeIp, fakeSmdData, generateFakeNodes, startFakeSmd } from '../src/testing/index.js'

type Pipeline = 'stream' | 'whole' | 'process'
const PIPELINES: readonly Pipeline[] = ['whole', 'stream', 'process']

interface Figures {
  pipeline: Pipeline
  coldMs: number
  /** Medians of the full syncs. */
  wallMs: number
  cpuMs: number
  /** Medians of the periodic syncs (SMD unchanged). */
  periodicWallMs: number
  periodicCpuMs: number
  stallMs: number
  p99Ms: number
  lateMaxMs: number
  peakRssMb: number
  rssAfterMb: number
  heapAfterMb: number
  found: number
}

const self = fileURLToPath(import.meta.url)
const arg = (name: string): string | undefined => {
  const at = process.argv.indexOf(name)
  return at < 0 ? undefined : process.argv[at + 1]
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const mb = (bytes: number): number => bytes / 1024 / 1024

/** Runs this file again with `args`; resolves the first message the child sends. */
function child<T>(args: string[], execArgv: string[] = []): Promise<{ value: T; kill(): void }> {
  const proc = fork(self, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv })
  return new Promise((resolve, reject) => {
    proc.once('message', (value) => resolve({ value: value as T, kill: () => proc.kill() }))
    proc.once('exit', (code) => reject(new Error(`bench child ${args.join(' ')} exited with ${code}`)))
  })
}

/** The pre-OPS-7 bulk path: whole bodies, JSON.parse, zod, then the snapshot. */
function wholeBodyClient(url: string, client: SmdClient): SmdClient {
  const get = async (path: string): Promise<unknown> => JSON.parse(await (await request(`${url}/hsm/v2${path}`)).body.text())
  return {
    ...client,
    async bulkSnapshot(logger) {
      // Before OPS-7 nothing was shared with the previous snapshot.
      const [components, interfaces, memberships, endpoints] = await Promise.all([
        get('/State/Components').then(parseComponents),
        get('/Inventory/EthernetInterfaces').then(parseInterfaces),
        get('/memberships').then(parseMemberships),
        get('/Inventory/ComponentEndpoints').then(parseEndpoints),
      ])
      return buildSnapshot({ components, interfaces, memberships, endpoints }, logger)
    },
  }
}

/** Wall and CPU ms, longest stall and request-probe lateness of one sync. */
interface SyncRun {
  wall: number
  cpu: number
  stall: number
  late: number[]
}

/** Runs `sync` while a request-like probe (every 2 ms, one resolve) and the event-loop delay histogram watch. */
async function watched(sync: () => Promise<boolean>, probeInventory: Inventory, count: number): Promise<SyncRun> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})
  gc()
  const late: number[] = []
  let expected = performance.now() + 2
  const probe = setInterval(() => {
    const now = performance.now()
    late.push(Math.max(0, now - expected))
    expected = now + 2
    void probeInventory.resolve(fakeNodeIp(late.length % count, 'HMN'))
  }, 2)
  const stall = monitorEventLoopDelay({ resolution: 1 })
  stall.enable()
  const cpu0 = process.cpuUsage()
  const w0 = performance.now()
  if (!(await sync())) throw new Error('sync failed')
  const wall = performance.now() - w0
  const cpu = process.cpuUsage(cpu0)
  stall.disable()
  clearInterval(probe)
  return { wall, cpu: (cpu.user + cpu.system) / 1000, stall: stall.max / 1e6, late }
}

/**
 * In a child process: `syncs` full syncs (a new inventory each, while the previous one keeps serving its
 * snapshot, as when SMD changed everything) and `syncs` periodic syncs of one inventory with SMD unchanged.
 */
async function measure(pipeline: Pipeline, url: string, count: number, syncs: number): Promise<Figures> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})
  let peakRss = 0
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 5)
  const http = createSmdClient({ baseUrl: url, tokenSource: createStaticTokenSource(), userAgentVersion: 'bench', timeoutMs: 120_000 })
  const client = pipeline === 'whole' ? wholeBodyClient(url, http) : http
  // The child entry, bundled beside this file by the bench script.
  const child =
    pipeline === 'process'
      ? createSyncProcess({ baseUrl: url, tokenSource: createStaticTokenSource(), userAgentVersion: 'bench', timeoutMs: 120_000, entryUrl: new URL('./sync-child.mjs', import.meta.url) })
      : undefined
  const inventoryOf = () => createSmdInventory({ client, logger: silentLogger, ...(child ? { syncSource: child } : {}) })
  let serving = inventoryOf()
  const t0 = performance.now()
  if (!(await serving.syncNow())) throw new Error('cold sync failed')
  const coldMs = performance.now() - t0

  const full: SyncRun[] = []
  for (let k = 0; k < syncs; k++) {
    const next = inventoryOf()
    full.push(await watched(() => next.syncNow(), serving, count))
    serving = next
  }
  const periodic: SyncRun[] = []
  for (let k = 0; k < syncs; k++) periodic.push(await watched(() => serving.syncNow(), serving, count))
  clearInterval(sampler)
  gc()
  const found = await countFound(serving, count)
  const late = [...full, ...periodic].flatMap((r) => r.late).sort((a, b) => a - b)
  return {
    pipeline,
    coldMs,
    wallMs: median(full.map((r) => r.wall)),
    cpuMs: median(full.map((r) => r.cpu)),
    periodicWallMs: median(periodic.map((r) => r.wall)),
    periodicCpuMs: median(periodic.map((r) => r.cpu)),
    stallMs: Math.max(...full.map((r) => r.stall), ...periodic.map((r) => r.stall)),
    p99Ms: late[Math.floor(late.length * 0.99)] ?? NaN,
    lateMaxMs: late[late.length - 1] ?? NaN,
    peakRssMb: mb(peakRss),
    rssAfterMb: mb(process.memoryUsage.rss()),
    heapAfterMb: mb(process.memoryUsage().heapUsed),
    found,
  }
}

async function countFound(inventory: Inventory, count: number): Promise<number> {
  let found = 0
  for (let i = 0; i < count; i++) if ((await inventory.resolve(fakeNodeIp(i, 'HMN'))) && (await inventory.resolve(fakeNodeIp(i, 'HSN')))) found++
  return found
}

const row = (f: Figures): string =>
  `${f.pipeline.padEnd(7)} full sync ${f.wallMs.toFixed(0).padStart(5)} ms wall / ${f.cpuMs.toFixed(0).padStart(5)} ms cpu (first ${f.coldMs.toFixed(0)} ms), ` +
  `unchanged ${f.periodicWallMs.toFixed(0)}/${f.periodicCpuMs.toFixed(0)} ms; ` +
  `longest stall ${f.stallMs.toFixed(0)} ms, probe p99 ${f.p99Ms.toFixed(0)} ms / max ${f.lateMaxMs.toFixed(0)} ms; ` +
  `rss peak ${f.peakRssMb.toFixed(0)} MB, after ${f.rssAfterMb.toFixed(0)} MB (heap ${f.heapAfterMb.toFixed(0)} MB); ${f.found} nodes resolved by both IPs`

if (process.argv[2] === '--serve') {
  const smd = await startFakeSmd({ data: fakeSmdData(generateFakeNodes(Number(process.argv[3]), { hsnFirst: true })) })
  process.send?.(smd.url)
} else if (process.argv[2] === '--measure') {
  const [pipeline, url, count, syncs] = process.argv.slice(3)
  const figures = await measure(pipeline as Pipeline, url!, Number(count), Number(syncs))
  process.send?.(figures, () => process.exit(0))
} else {
  const counts = arg('--nodes') ? [Number(arg('--nodes'))] : [10_000, 100_000]
  const syncs = Number(arg('--syncs') ?? 5)
  const rounds = Number(arg('--rounds') ?? 1)
  for (const count of counts) {
    const smd = await child<string>(['--serve', String(count)])
    console.log(`${count} nodes (${syncs} syncs per process, ${rounds} round(s); medians):`)
    const runs: Figures[] = []
    for (let r = 0; r < rounds; r++) {
      for (const pipeline of PIPELINES) {
        const run = await child<Figures>(['--measure', pipeline, smd.value, String(count), String(syncs)], ['--expose-gc'])
        runs.push(run.value)
        console.log(`  ${row(run.value)}`)
      }
    }
    if (rounds > 1) {
      console.log(`  medians of the ${rounds} rounds — whole bodies, cuts, cuts in a child process:`)
      for (const pipeline of PIPELINES) {
        const mine = runs.filter((f) => f.pipeline === pipeline)
        const m = (key: keyof Figures) => median(mine.map((f) => f[key] as number))
        console.log(
          `  ${row({ pipeline, coldMs: m('coldMs'), wallMs: m('wallMs'), cpuMs: m('cpuMs'), periodicWallMs: m('periodicWallMs'), periodicCpuMs: m('periodicCpuMs'), stallMs: m('stallMs'), p99Ms: m('p99Ms'), lateMaxMs: m('lateMaxMs'), peakRssMb: m('peakRssMb'), rssAfterMb: m('rssAfterMb'), heapAfterMb: m('heapAfterMb'), found: m('found') })}`,
        )
      }
    }
    smd.kill()
  }
}
