// Benchmark (not a test): a worker's longest event-loop stall while the primary's new SMD snapshot of 10k and 100k
// nodes arrives over the IPC channel of `--workers` (issue 19). A real worker process (child_process.fork with
// `advanced` serialization, as node:cluster sets it up) and two ways:
//   whole  — as before issue 19's chunks: the whole node table in one event, opened by the worker on arrival;
//   chunks — as shipped: serveReplicaInventory / openReplicaInventory, a header, chunks of ≤ 1 MiB, an end.
// Per way and size: a warm-up and ROUNDS snapshots (tables A and B alternating, so each one is new), each watched
// from the worker's "go" to its swap by a 1 ms probe timer in the worker and in the primary. A gap between two probe
// ticks is an event-loop stall; it is reported twice: as wall time (what a request waits, but on a shared machine
// also the time the process was not scheduled) and as the main thread's CPU time in the gap (process.threadCpuUsage,
// Node ≥ 23.9; the process's CPU before that), which the machine's other load does not inflate. Also the probe's
// p99 lateness and the median transfer time (the chunks way includes up to 5 ms for the primary's poll).
// `--cached N` gives the worker N rendered documents of about 1 KB (a real worker's heap) for its collections to mark.
//   npm run bench -w @metadata-service/adapter-cluster [-- --nodes 100000 --rounds 5 --cached 200000]
import { fork, type ChildProcess } from 'node:child_process'
import { performance, PerformanceObserver } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { buildNodeTable, openNodeTable, type Inventory, type InventoryNode, type NodeTable, type NodeTableData } from '@metadata-service/core'
import { connectRpc, openReplicaInventory, serveReplicaInventory, type IpcChannel } from '../src/index.js'

type Way = 'whole' | 'chunks'
const WAYS: readonly Way[] = ['whole', 'chunks']
const WHOLE_EVENT = 'bench.whole'

/**
 * What a probe saw: the longest gap between its ticks (wall ms, main-thread CPU ms), each tick's lateness, and the
 * longest garbage collection meanwhile (ms; part of a gap when it ran on the main thread).
 */
interface Watch {
  readonly wallMs: number
  readonly cpuMs: number
  readonly gcMs: number
  readonly late: number[]
}
interface Round {
  readonly worker: Watch
  readonly transferMs: number
}
type BenchMessage = { readonly bench: 'go' } | { readonly bench: 'round'; readonly round: Round }

const self = fileURLToPath(import.meta.url)
const arg = (name: string): string | undefined => {
  const at = process.argv.indexOf(name)
  return at < 0 ? undefined : process.argv[at + 1]
}
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const threadCpuMs = (): number => {
  const usage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.() ?? process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

/** Starts a 1 ms probe; the returned function stops it and says what it saw. */
function watch(): () => Watch {
  const late: number[] = []
  let wallMs = 0
  let cpuMs = 0
  let lastWall = performance.now()
  let lastCpu = threadCpuMs()
  let gcMs = 0
  const gcs = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs = Math.max(gcMs, entry.duration)
  })
  gcs.observe({ entryTypes: ['gc'] })
  const probe = setInterval(() => {
    const wall = performance.now()
    const cpu = threadCpuMs()
    wallMs = Math.max(wallMs, wall - lastWall)
    cpuMs = Math.max(cpuMs, cpu - lastCpu)
    late.push(Math.max(0, wall - lastWall - 1))
    lastWall = wall
    lastCpu = cpu
  }, 1)
  return () => {
    clearInterval(probe)
    gcs.disconnect()
    return { wallMs, cpuMs, gcMs, late }
  }
}

// Only the primary loads core's testing kit: its module-level data would be most of a worker's heap (about 90 MB),
// and the worker's garbage collections would then be a bench artefact.
const testing = () => import('@metadata-service/core/testing')

/** Nodes as SMD gives them, two interfaces each (HMN, HSN), so the table is about as large as a real one. */
async function nodes(count: number, nidBase: number): Promise<InventoryNode[]> {
  return (await testing()).sampleInventoryNodes(count).map((n, i) => ({
    ...n,
    nid: nidBase + i,
    interfaces: [...n.interfaces, { ...n.interfaces[0]!, description: 'High Speed Network', ipAddresses: [{ ip: `10.${128 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`, network: 'HSN' }] }],
  }))
}

// --- the worker process ---

/** Runs in the worker: says "go", and once the new snapshot is swapped in, what its probe saw meanwhile. */
async function worker(way: Way, cached: number): Promise<void> {
  // A worker's rendered documents (about 1 KB each), so garbage collections mark a heap of a real worker's size.
  const documents = new Map<string, string>()
  for (let i = 0; i < cached; i++) documents.set(`x${i}/user-data`, `#cloud-config ${i} `.padEnd(1_000, 'x'))
  const peer = connectRpc(process as unknown as IpcChannel, {})
  let swapped = 0
  let swaps = () => swapped
  if (way === 'whole') {
    peer.onEvent(WHOLE_EVENT, (data) => {
      swapped += openNodeTable(data as NodeTableData).size > 0 ? 1 : 0
    })
  } else {
    const replica = await openReplicaInventory(peer)
    swaps = () => replica.generation()
  }
  for (;;) {
    const before = swaps()
    const stop = watch()
    const t0 = performance.now()
    process.send!({ bench: 'go' } satisfies BenchMessage)
    while (swaps() === before) await new Promise((resolve) => setTimeout(resolve, 1))
    const transferMs = performance.now() - t0
    process.send!({ bench: 'round', round: { worker: stop(), transferMs } } satisfies BenchMessage)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

// --- the primary ---

/** An inventory whose snapshot we swap between `a` and `b`, as a sync that changed SMD does. */
async function swappingInventory(a: NodeTable, b: NodeTable) {
  const fake = (await testing()).createFakeInventory([])
  let current = a
  let generation = 1
  let lastSuccessAt = 1
  const inventory: Inventory = Object.assign(Object.create(fake) as Inventory, {
    snapshotTable: () => current,
    nodes: () => current.nodes(),
    generation: () => generation,
    health: () => ({ ...fake.health(), lastSuccessAt }),
  })
  const sync = () => {
    current = current === a ? b : a
    generation++
    lastSuccessAt++
  }
  return { inventory, sync, current: () => current }
}

async function measure(way: Way, a: NodeTable, b: NodeTable, rounds: number, cached: number): Promise<{ rounds: Round[]; primary: Watch[] }> {
  const child: ChildProcess = fork(self, ['--worker', way, String(cached)], { serialization: 'advanced', execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const { inventory, sync, current } = await swappingInventory(a, b)
  // Polling every 5 ms: the transfer time includes up to 5 ms before the primary sees the new snapshot.
  const served = way === 'chunks' ? serveReplicaInventory(inventory, undefined, 5) : undefined
  const peer = connectRpc(child as unknown as IpcChannel, served?.handlers ?? {})
  served?.listen(peer)
  const done: Round[] = []
  const primary: Watch[] = []
  let stop = (): Watch => ({ wallMs: 0, cpuMs: 0, gcMs: 0, late: [] })
  await new Promise<void>((resolve) => {
    child.on('message', (message: BenchMessage) => {
      if (message.bench === 'go') {
        stop = watch()
        sync()
        if (way === 'whole') peer.emit(WHOLE_EVENT, current().data)
      } else {
        primary.push(stop())
        done.push(message.round)
        if (done.length === rounds + 1) resolve()
      }
    })
  })
  served?.stop()
  child.kill()
  // The first round warms both sides up.
  return { rounds: done.slice(1), primary: primary.slice(1) }
}

const ms = (n: number): string => `${n.toFixed(1)} ms`

if (process.argv[2] === '--worker') {
  await worker(process.argv[3] as Way, Number(process.argv[4]))
} else {
  const counts = arg('--nodes') ? [Number(arg('--nodes'))] : [10_000, 100_000]
  const rounds = Number(arg('--rounds') ?? 5)
  const cached = Number(arg('--cached') ?? 0)
  console.log(`node ${process.version}; ${rounds} snapshots per way and size; ${cached} documents cached in the worker; longest stall as wall / main-thread CPU (max over rounds, median of rounds' maxima)`)
  for (const count of counts) {
    const a = buildNodeTable(await nodes(count, 1))
    const b = buildNodeTable(await nodes(count, 1_000_001))
    const mib = Object.values(a.data).reduce((sum: number, v: unknown) => sum + (ArrayBuffer.isView(v) ? v.byteLength : 0), 0) / 2 ** 20
    console.log(`${count} nodes (table ${mib.toFixed(1)} MiB):`)
    for (const way of WAYS) {
      const result = await measure(way, a, b, rounds, cached)
      const w = result.rounds.map((r) => r.worker)
      const late = w.flatMap((r) => r.late).sort((x, y) => x - y)
      const stalls = (watches: readonly Watch[]) =>
        `${ms(Math.max(...watches.map((x) => x.wallMs)))} / ${ms(Math.max(...watches.map((x) => x.cpuMs)))} ` +
        `(median ${ms(median(watches.map((x) => x.wallMs)))} / ${ms(median(watches.map((x) => x.cpuMs)))}), ` +
        `longest GC ${ms(Math.max(...watches.map((x) => x.gcMs)))} (median ${ms(median(watches.map((x) => x.gcMs)))})`
      console.log(
        `  ${way.padEnd(6)} worker stall ${stalls(w)}, probe p99 ${ms(late[Math.floor(late.length * 0.99)] ?? NaN)}; ` +
          `transfer ${ms(median(result.rounds.map((r) => r.transferMs)))}; primary stall ${stalls(result.primary)}`,
      )
    }
  }
}
