// Benchmark (not a test): one full sync of 10k and 100k nodes from the fake SMD over real HTTP, through the real
// client, parser and snapshot builder (SMD-7; OPS-7 wants a 100k sync ≤ 3 s). The fake SMD runs in a child
// process so its JSON encoding and socket writes do not count. Prints wall and CPU time per phase and heap.
//   npm run bench -w @metadata-service/adapter-smd
import { fork } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import { silentLogger } from '@metadata-service/core'
import { buildSnapshot, createSmdClient, createSmdInventory, createStaticTokenSource } from '../src/index.js'
import { fakeNodeIp, fakeSmdData, generateFakeNodes, startFakeSmd } from '../src/testing/index.js'

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`
const gc = (globalThis as { gc?: () => void }).gc

/** Wall and CPU milliseconds of `work`. */
async function timed<T>(work: () => Promise<T> | T): Promise<{ value: T; wall: number; cpu: number }> {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const value = await work()
  const cpu = process.cpuUsage(cpu0)
  return { value, wall: performance.now() - t0, cpu: (cpu.user + cpu.system) / 1000 }
}

/** Starts the fake SMD with `count` nodes in a child process; resolves its URL. */
function startChildSmd(count: number): Promise<{ url: string; stop(): void }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', String(count)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  return new Promise((resolve) => {
    child.once('message', (url) => resolve({ url: String(url), stop: () => child.kill() }))
  })
}

async function bench(count: number): Promise<void> {
  const smd = await startChildSmd(count)
  const client = createSmdClient({ baseUrl: smd.url, tokenSource: createStaticTokenSource(), userAgentVersion: 'bench', timeoutMs: 120_000 })
  await client.bulk() // warm-up: the child caches its bodies, both sides JIT
  gc?.()

  // The phases on their own, in a scope of their own so nothing they build stays alive afterwards.
  const phases = await (async () => {
    const fetched = await timed(() => client.bulk())
    const built = await timed(() => buildSnapshot(fetched.value, silentLogger))
    return { fetched, built: { ...built, value: built.value.byIp.size } }
  })()
  gc?.()
  const heapBefore = process.memoryUsage().heapUsed

  // The real thing: a first sync (empty inventory), then a second one while the first snapshot is being served.
  const inventory = createSmdInventory({ client, logger: silentLogger })
  const first = await timed(() => inventory.syncNow())
  gc?.()
  const heapAfter = process.memoryUsage().heapUsed
  const second = await timed(() => inventory.syncNow())
  const ips = phases.built.value
  const { fetched, built } = phases
  const synced = { value: first.value && second.value, wall: first.wall, cpu: first.cpu }

  // Machine-independent yardstick: the least any client must do — fetch the same four bodies and JSON.parse them.
  const baseline = await (async () => {
    const paths = ['/State/Components', '/Inventory/EthernetInterfaces', '/memberships', '/Inventory/ComponentEndpoints']
    gc?.()
    let bytes = 0
    const floor = await timed(() =>
      Promise.all(
        paths.map(async (p) => {
          const text = await (await request(`${smd.url}/hsm/v2${p}`)).body.text()
          bytes += text.length
          return (JSON.parse(text) as unknown[]).length
        }),
      ),
    )
    return { ...floor, mb: bytes / 1e6 }
  })()

  const resolved = await timed(async () => {
    let found = 0
    for (let i = 0; i < count; i++) if (await inventory.resolve(fakeNodeIp(i, 'HMN'))) found++
    return found
  })
  console.log(
    `${String(count).padStart(7)} nodes: sync ${synced.wall.toFixed(0)} ms wall / ${synced.cpu.toFixed(0)} ms cpu, again ${second.wall.toFixed(0)}/${second.cpu.toFixed(0)} ms (ok=${synced.value}); ` +
      `phases: fetch+parse ${fetched.wall.toFixed(0)}/${fetched.cpu.toFixed(0)} ms, build ${built.wall.toFixed(0)}/${built.cpu.toFixed(0)} ms; ` +
      `${ips} IPs; snapshot heap ≈ ${mb(heapAfter - heapBefore)} (heap ${mb(heapAfter)}, rss ${mb(process.memoryUsage().rss)}); ` +
      `resolve ${((resolved.wall * 1e6) / count).toFixed(0)} ns/op (${resolved.value}/${count} found); ` +
      `yardstick: fetching and JSON.parse-ing the same ${baseline.mb.toFixed(0)} MB takes ${baseline.wall.toFixed(0)}/${baseline.cpu.toFixed(0)} ms, the sync ${(synced.cpu / baseline.cpu).toFixed(1)}x that (cpu)`,
  )
  await inventory.close()
  smd.stop()
}

if (process.argv[2] === '--serve') {
  const smd = await startFakeSmd({ data: fakeSmdData(generateFakeNodes(Number(process.argv[3]), { hsnFirst: true })) })
  process.send?.(smd.url)
} else {
  if (!gc) console.log('(run node with --expose-gc for steadier heap figures)')
  for (const count of [10_000, 100_000]) await bench(count)
}
