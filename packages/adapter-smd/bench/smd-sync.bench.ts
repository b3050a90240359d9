// Benchmark (not a test): full syncs of 10k and 100k nodes from the fake SMD over real HTTP (SMD-7; OPS-7 wants a
// 100k sync ≤ 3 s, p99 of requests during it ≤ 50 ms, the whole server ≤ 400 MB). The fake SMD runs in a child
// process so its socket writes do not count, and each pipeline is measured in a fresh child process of its own,
// so peak RSS belongs to that pipeline alone:
//   stream — the inventory as shipped: bulk payloads read in cuts into the snapshot builder (client.bulkSnapshot);
//   whole  — the pipeline before OPS-7 work, for comparison in the same run: each body read as one text,
//            JSON.parse, zod-parsed by wire.ts, then buildSnapshot.
// Per pipeline: one cold sync, then SYNCS syncs while the previous snapshot is alive (as in service); medians of
// wall and CPU time, the longest event-loop stall (perf_hooks histogram) and p99/max lateness of a 2 ms
// request-like timer during the syncs, peak RSS (sampled every 5 ms) and RSS/heap after a sync.
//   npm run bench -w @metadata-service/adapter-smd [-- --nodes 100000 --syncs 5]
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
  parseComponents,
  parseEndpoints,
  parseInterfaces,
  parseMemberships,
  type SmdClient,
} from '../src/index.js'
import { fakeNodeIp, fakeSmdData, generateFakeNodes, startFakeSmd } from '../src/testing/index.js'

type Pipeline = 'stream' | 'whole'

interface Figures {
  pipeline: Pipeline
  coldMs: number
  wallMs: number
  cpuMs: number
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

/** In a child process: `syncs` syncs with `pipeline`, measured. */
async function measure(pipeline: Pipeline, url: string, count: number, syncs: number): Promise<Figures> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})
  let peakRss = 0
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 5)
  const http = createSmdClient({ baseUrl: url, tokenSource: createStaticTokenSource(), userAgentVersion: 'bench', timeoutMs: 120_000 })
  const client = pipeline === 'stream' ? http : wholeBodyClient(url, http)
  const inventory = createSmdInventory({ client, logger: silentLogger })
  const t0 = performance.now()
  if (!(await inventory.syncNow())) throw new Error('cold sync failed')
  const coldMs = performance.now() - t0

  const walls: number[] = []
  const cpus: number[] = []
  const late: number[] = []
  const stall = monitorEventLoopDelay({ resolution: 1 })
  for (let k = 0; k < syncs; k++) {
    gc()
    // A request-like probe every 2 ms: how late does it run while the sync works?
    let expected = performance.now() + 2
    const probe = setInterval(() => {
      const now = performance.now()
      late.push(Math.max(0, now - expected))
      expected = now + 2
      void inventory.resolve(fakeNodeIp(late.length % count, 'HMN'))
    }, 2)
    stall.enable()
    const cpu0 = process.cpuUsage()
    const w0 = performance.now()
    if (!(await inventory.syncNow())) throw new Error('sync failed')
    walls.push(performance.now() - w0)
    const cpu = process.cpuUsage(cpu0)
    stall.disable()
    clearInterval(probe)
    cpus.push((cpu.user + cpu.system) / 1000)
  }
  clearInterval(sampler)
  gc()
  const found = await countFound(inventory, count)
  late.sort((a, b) => a - b)
  return {
    pipeline,
    coldMs,
    wallMs: median(walls),
    cpuMs: median(cpus),
    stallMs: stall.max / 1e6,
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
  `${f.pipeline.padEnd(6)} sync ${f.wallMs.toFixed(0).padStart(5)} ms wall / ${f.cpuMs.toFixed(0).padStart(5)} ms cpu (cold ${f.coldMs.toFixed(0)} ms); ` +
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
    for (let r = 0; r < rounds; r++) {
      for (const pipeline of ['whole', 'stream'] as const) {
        const run = await child<Figures>(['--measure', pipeline, smd.value, String(count), String(syncs)], ['--expose-gc'])
        console.log(`  ${row(run.value)}`)
      }
    }
    smd.kill()
  }
}
