// `npm run bench:boot-status`: figures for the boot record (BOOT, issue 15), not a test. Two parts:
//   1. the record itself, in this process, from the built core: nanoseconds per recorded request during a storm,
//      heap of the record at --nodes (default 100,000) nodes, and the cost of its reads;
//   2. the /status page in Chromium against the built server and the benchmark fake SMD at --nodes nodes: load
//      time, snapshot size, and the time to apply a live update of --changed nodes.
// The per-request cost of the record on a served storm is measured by `npm run bench` twice, with and without
// `--server-arg=--no-boot-status` (bench/README.md). Run with node's --expose-gc (the npm script does).
// Functions passed to page.evaluate and page.waitForFunction run in the browser.
/* global document, window */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { startPortChild } from './children.js'
import { benchNodes } from './nodes.js'
import { REPO_ROOT, assertBuilt, startServer } from './server.js'

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url))
const say = (line) => process.stderr.write(`[bench:boot-status] ${line}\n`)
const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '100000' },
    changed: { type: 'string', default: '1000,10000' },
    runs: { type: 'string', default: '5' },
    'skip-page': { type: 'boolean', default: false },
    chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  },
})
const NODES = Number(values.nodes)
const RUNS = Number(values.runs)
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const mb = (bytes) => Math.round((bytes / 1_048_576) * 10) / 10

async function recordFigures() {
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc (npm run bench:boot-status does)')
  const core = await import(join(REPO_ROOT, 'packages/core/dist/index.js'))
  const nodes = benchNodes(NODES)
  const heap = () => {
    globalThis.gc()
    globalThis.gc()
    return process.memoryUsage().heapUsed
  }
  let now = Date.UTC(2026, 11, 1)
  const clock = { now: () => now }
  const before = heap()
  const recorder = core.createBootRecorder({ clock })
  recorder.setRoster(
    nodes.map((n) => ({ xname: n.xname, groups: n.groups })),
    () => true,
    ['compute', 'green', 'blue'],
  )
  const afterRoster = heap()
  // One observation object per request, as the HTTP observer allocates it.
  const documents = ['network-config', 'meta-data', 'user-data', 'vendor-data', 'group']
  const storm = (pass) => {
    const started = process.hrtime.bigint()
    for (let d = 0; d < documents.length; d++) {
      for (let i = 0; i < nodes.length; i++) {
        const n = nodes[i]
        const document = documents[d]
        recorder.record({ node: n.xname, client: n.hmnIp, document, group: document === 'group' ? n.yamlGroup : undefined, status: 200, at: now + pass })
      }
    }
    return Number(process.hrtime.bigint() - started) / (documents.length * nodes.length)
  }
  const firstBoot = storm(0)
  const afterBoot = heap()
  const again = []
  for (let r = 0; r < RUNS; r++) again.push(storm(r + 1))
  // A flood from unknown addresses once the list is full: one Map lookup each.
  for (let i = 0; i < 2_000; i++) recorder.record({ node: undefined, client: `10.250.${i >> 8}.${i & 255}`, document: 'meta-data', group: undefined, status: 404, at: now })
  const unknownStarted = process.hrtime.bigint()
  const FLOOD = 500_000
  for (let i = 0; i < FLOOD; i++) recorder.record({ node: undefined, client: `10.251.${(i >> 8) & 255}.${i & 255}`, document: 'meta-data', group: undefined, status: 404, at: now })
  const unknownNs = Number(process.hrtime.bigint() - unknownStarted) / FLOOD
  const afterFlood = heap()
  now += 3_600_000
  const time = (fn) => {
    const samples = []
    let result
    for (let r = 0; r < RUNS; r++) {
      const started = process.hrtime.bigint()
      result = fn()
      samples.push(Number(process.hrtime.bigint() - started) / 1e6)
    }
    return { ms: Math.round(median(samples) * 10) / 10, result }
  }
  const summary = time(() => recorder.summary())
  const attention = time(() => recorder.report({ states: ['stuck', 'failing'], limit: 1000 }))
  const snapshot = time(() => JSON.stringify(recorder.changes(undefined)))
  const size = recorder.size()
  // Scale on this machine, same run: one Map lookup over as many string keys plus one small object per call, which
  // is about what resolving a node's address costs the server on every request.
  const keys = nodes.map((n) => n.hmnIp)
  const index = new Map(keys.map((k, i) => [k, i]))
  const calibration = []
  for (let r = 0; r < RUNS; r++) {
    let sum = 0
    const started = process.hrtime.bigint()
    for (let d = 0; d < documents.length; d++) for (let i = 0; i < keys.length; i++) sum += index.get({ key: keys[i] }.key)
    calibration.push(Number(process.hrtime.bigint() - started) / (documents.length * keys.length) + (sum < 0 ? 1 : 0))
  }
  return {
    nodes: NODES,
    nsPerMapLookupSameRun: Math.round(median(calibration)),
    nsPerRecordFirstBoot: Math.round(firstBoot),
    nsPerRecordSameBoot: Math.round(median(again)),
    nsPerUnknownFloodRequest: Math.round(unknownNs),
    heapMB: { roster: mb(afterRoster - before), afterFullBoot: mb(afterBoot - before), afterUnknownFlood: mb(afterFlood - before) },
    bytesPerNode: Math.round((afterBoot - before) / NODES),
    documentEntries: size.documents,
    unknownAddressesKept: size.unknownAddresses,
    readMs: { summary: summary.ms, stuckAndFailingReport: attention.ms, fullSnapshotAsJson: snapshot.ms },
    snapshotBytes: snapshot.result.length,
  }
}

async function pageFigures() {
  assertBuilt()
  const { chromium } = await import('playwright-core')
  const workDir = mkdtempSync(join(tmpdir(), 'mds-bench-boot-'))
  const cleanup = []
  try {
    say(`fake SMD with ${NODES} nodes`)
    const smd = await startPortChild(join(BENCH_DIR, 'fake-smd.js'), ['--nodes', String(NODES)])
    cleanup.push(() => smd.stop())
    const server = await startServer({ workDir, smdUrl: `http://127.0.0.1:${smd.port}`, syncIntervalS: 86_400, logLevel: 'warn' })
    cleanup.push(() => server.stop())
    const browser = await chromium.launch({ executablePath: values.chromium, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] })
    cleanup.push(() => browser.close())
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    const loads = []
    for (let r = 0; r < Math.min(RUNS, 3); r++) {
      await page.goto(`${server.url}/status`)
      await page.waitForFunction((n) => document.getElementById('grid')?.dataset.cells === String(n), NODES, { timeout: 120_000 })
      loads.push(await page.evaluate(() => ({ ...window.__statusPage.timings })))
    }
    const nodes = benchNodes(NODES)
    const updates = []
    let offset = 0
    for (const count of values.changed.split(',').map(Number)) {
      const targets = nodes.slice(offset, offset + count)
      offset += count
      const before = await page.evaluate(() => window.__statusPage.timings.events)
      const sentAt = Date.now()
      for (let k = 0; k < targets.length; k += 64) {
        await Promise.all(targets.slice(k, k + 64).map((n) => fetch(`${server.url}/meta-data`, { headers: { 'X-Forwarded-For': n.hmnIp } }).then((r) => r.arrayBuffer())))
      }
      const requestsMs = Date.now() - sentAt
      const doneAt = Date.now()
      await page.waitForFunction((n) => Number(document.getElementById('grid')?.dataset.booting) >= n, offset, { timeout: 60_000 })
      const shownAfterMs = Date.now() - doneAt
      const t = await page.evaluate(() => ({ ...window.__statusPage.timings }))
      updates.push({ changedNodes: count, events: t.events - before, lastEventApplyMs: round(t.lastUpdateMs), requestsMs, shownAfterLastRequestMs: shownAfterMs })
    }
    return {
      nodes: NODES,
      load: {
        firstSnapshotDrawnMs: round(median(loads.map((l) => l.firstSnapshotAt))),
        snapshotParseLayoutDrawMs: round(median(loads.map((l) => l.snapshotMs))),
      },
      updates,
    }
  } finally {
    for (const stop of cleanup.reverse()) await stop().catch(() => undefined)
    rmSync(workDir, { recursive: true, force: true })
  }
}

function round(x) {
  return Math.round(x * 10) / 10
}

const results = { record: await recordFigures() }
say(JSON.stringify(results.record))
if (!values['skip-page']) {
  results.page = await pageFigures()
  say(JSON.stringify(results.page))
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`)
