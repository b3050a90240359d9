// The measured phases of the benchmark: server start-up with its first sync, the storm modes against server and
// baseline, the overload phase (OPS-3) and the storm during re-syncs (OPS-7 at 100k).
import { join } from 'node:path'
import { createQuickStart, flushDocumentCache, probe } from './fixtures.js'
import { cpuSeconds, rssMiB, sampleRss, waitForIdle } from './proc-stats.js'
import { compareMode, round } from './report.js'
import { scrapeMetrics, startServer } from './server.js'
import { runStorm } from './wrk.js'

/**
 * @typedef {object} BenchContext
 * @property {import('./options.js').BenchOptions} options
 * @property {string} workDir
 * @property {string} targetsFile
 * @property {readonly import('./nodes.js').BenchNode[]} nodes  the storm's nodes
 * @property {string | undefined} smdUrl  the fake SMD; undefined with `--mock` (the server's built-in mock)
 * @property {(line: string) => void} say   progress on stderr
 * @property {{ fromUs: number, toUs: number }[]} [stormWindows]  filled with the measured server storms'
 *   CLOCK_MONOTONIC µs windows (the `--profile` summary counts only these)
 */

/** CLOCK_MONOTONIC now in µs, the clock of `--cpu-prof` profiles. */
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n)

/**
 * Fake SMD counters (`/__bench/stats`); all empty without a fake (`--mock`).
 * @param {string | undefined} smdUrl
 * @returns {Promise<{ calls: Record<string, number>, bulk: { path: string, start: number, end: number, bytes: number }[], payloadBytes: Record<string, number> }>}
 */
export async function smdStats(smdUrl) {
  if (smdUrl === undefined) return { calls: {}, bulk: [], payloadBytes: {} }
  return (await fetch(`${smdUrl}/__bench/stats`)).json()
}

/** @param {Record<string, number>} calls */
export const totalCalls = (calls) => Object.values(calls).reduce((a, b) => a + b, 0)

/**
 * Starts a server in `<workDir>/<name>`, waits for its first sync, creates the quick-start resources and probes
 * a sample of storm requests.
 * @param {BenchContext} ctx
 * @param {{ name: string, syncIntervalS: number, maxInflight?: number, cpuProfile?: boolean, bin?: string }} o
 */
export async function bootServer(ctx, o) {
  const before = await smdStats(ctx.smdUrl)
  const server = await startServer({
    workDir: join(ctx.workDir, o.name),
    smdUrl: ctx.smdUrl,
    syncIntervalS: o.syncIntervalS,
    maxInflight: o.maxInflight,
    logLevel: ctx.options.logLevel,
    cpuProfile: o.cpuProfile,
    bin: o.bin,
    nodeArgs: ctx.options.nodeArgs,
    extraArgs: [...(ctx.options.workers > 1 ? [`--workers=${ctx.options.workers}`] : []), ...ctx.options.serverArgs],
  })
  // CPU the server used to start and sync: unlike wall time, barely affected by other load on the machine.
  const cpuToHealthy = cpuSeconds(server.pid)
  const after = await smdStats(ctx.smdUrl)
  const bulk = after.bulk.slice(before.bulk.length)
  const firstCall = Math.min(...bulk.map((b) => b.start))
  const metrics = await scrapeMetrics(server.url, 'smd_')
  const metricSeconds = metrics.metadata_service_smd_sync_duration_seconds
  const sync = {
    calls: ctx.smdUrl === undefined ? undefined : totalCalls(after.calls) - totalCalls(before.calls),
    startupSeconds: round((server.healthyAt - server.spawnedAt) / 1000, 3),
    // From the first bulk request reaching SMD to /health 200 (polled every 20 ms).
    healthySeconds: bulk.length > 0 ? round((server.healthyAt - firstCall) / 1000, 3) : undefined,
    transferSeconds: bulk.length > 0 ? round((Math.max(...bulk.map((b) => b.end)) - firstCall) / 1000, 3) : undefined,
    metricSeconds: metricSeconds === undefined ? undefined : round(metricSeconds, 3),
    cpuSecondsToHealthy: cpuToHealthy === undefined ? undefined : round(cpuToHealthy, 2),
    snapshotNodes: metrics.metadata_service_smd_snapshot_nodes,
    payloadMiB: round(Object.values(after.payloadBytes).reduce((a, b) => a + b, 0) / 1_048_576, 1),
    rssAfterSyncMiB: rssMiB(server.pid),
  }
  ctx.say(`server ${o.name} healthy after ${sync.startupSeconds} s (sync: ${sync.metricSeconds ?? sync.healthySeconds} s, ${sync.calls} SMD calls)`)
  await createQuickStart(server.url)
  const sample = await probe(server.url, ctx.nodes)
  for (const problem of sample.problems) ctx.say(`probe: ${problem}`)
  return { server, sync, probe: sample }
}

/**
 * Storms `server` and `baselineUrl` (and `limit`, nginx serving the same bytes, when given) in each mode: a warm-up
 * each, then `runs` interleaved rounds (baseline, then server, then limit). With `--cache cold` every measured server run starts with an emptied document cache and the request
 * sequence from its start, so each document is rendered the first time it is asked for, as in a real boot storm
 * (documents repeat only past 5·N requests, see `repeatedPct`). With `--cache warm` runs continue the sequence.
 * @param {BenchContext} ctx
 * @param {{ url: string, pid: number }} server
 * @param {{ url: string, pid: number }} baseline
 * @param {{ url: string, pid: number }} [limit]  issue 19: "the machine's limit" (bench/nginx.js)
 */
export async function stormModes(ctx, server, baseline, limit) {
  const o = ctx.options
  const offset = { server: 0, baseline: 0, limit: 0 }
  /** Seconds from each flush until every serving process had pre-rendered again. */
  const prerenderWaits = []
  const distinct = 5 * ctx.nodes.length
  const storm = async (which, target, mode, durationS, measured = true) => {
    if (which === 'server' && measured && o.cache !== 'warm') {
      offset.server = 0
      if (o.cache === 'prerendered') prerenderWaits.push(await flushAndPrerender(target.url, o.workers))
      else await flushDocumentCache(target.url)
    }
    const first = offset[which]
    const buildsBefore = which === 'server' ? await documentBuilds(target.url) : undefined
    const fromUs = monotonicUs()
    const result = await runStorm({
      url: target.url,
      targetsFile: ctx.targetsFile,
      mode,
      threads: o.threads,
      connections: o.connections,
      durationS,
      timeoutS: o.timeoutS,
      startOffset: offset[which],
      targetPid: target.pid,
      // --rate: each connection pauses so that together they offer about `rate` requests per second.
      delayMs: o.rate > 0 ? Math.round((o.connections / o.rate) * 1000) : 0,
    })
    if (which === 'server' && measured) ctx.stormWindows?.push({ fromUs, toUs: monotonicUs() })
    offset[which] += result.requests
    // Issue 19: documents the server built for requests during this storm (cache misses), from /metrics.
    const builds = buildsBefore === undefined ? undefined : (await documentBuilds(target.url)) - buildsBefore
    // Share of this run's requests for a (node, document) pair an earlier request of the sequence already asked.
    const repeated = Math.max(0, offset[which] - Math.max(first, distinct))
    return { ...result, builds, repeatedPct: round((repeated / Math.max(1, result.requests)) * 100, 1) }
  }
  /** @type {Record<string, ReturnType<typeof compareMode> & { runs: { server: object[], baseline: object[] } }>} */
  const modes = {}
  for (const mode of o.modes) {
    if (o.warmupS > 0) {
      ctx.say(`${mode}: warm-up ${o.warmupS} s each`)
      await storm('baseline', baseline, mode, o.warmupS, false)
      await storm('server', server, mode, o.warmupS, false)
      if (limit) await storm('limit', limit, mode, o.warmupS, false)
    }
    const serverRuns = []
    const baselineRuns = []
    const limitRuns = []
    for (let r = 1; r <= o.runs; r++) {
      if (o.waitIdlePct > 0) {
        const idle = await waitForIdle(o.waitIdlePct, o.waitIdleMaxS)
        if (idle !== undefined && idle < o.waitIdlePct) ctx.say(`machine only ${idle}% idle after ${o.waitIdleMaxS} s; measuring anyway`)
      }
      const b = await storm('baseline', baseline, mode, o.durationS)
      const s = await storm('server', server, mode, o.durationS)
      baselineRuns.push(b)
      serverRuns.push(s)
      const l = limit ? await storm('limit', limit, mode, o.durationS) : undefined
      if (l) limitRuns.push(l)
      ctx.say(
        `${mode} run ${r}/${o.runs}: server ${s.rps} req/s p99 ${s.latencyMs.p99} ms (${s.errors.status} non-2xx), ` +
          `baseline ${b.rps} req/s p99 ${b.latencyMs.p99} ms${l ? `, nginx ${l.rps} req/s p99 ${l.latencyMs.p99} ms` : ''}; cpu% server ${s.cpu.targetPct} baseline ${b.cpu.targetPct} wrk ${s.cpu.clientPct}/${b.cpu.clientPct} other ${s.cpu.otherPct}/${b.cpu.otherPct}`,
      )
    }
    modes[mode] = {
      ...compareMode(serverRuns, baselineRuns),
      ...(limit ? { limit: compareMode(serverRuns, limitRuns) } : {}),
      prerenderWaitS: prerenderWaits.splice(0),
      runs: { server: serverRuns, baseline: baselineRuns, ...(limit ? { limit: limitRuns } : {}) },
    }
  }
  return modes
}

/**
 * OPS-3 under overload: measures the capacity (200s per second, new connections) for 5 s, then paces
 * `overloadConnections` connections so that together they offer `overloadFactor` × capacity, and counts statuses.
 * Only 200 and 503 with Retry-After are acceptable; wrk timeouts and socket errors are counted separately.
 * @param {BenchContext} ctx
 * @param {{ url: string, pid: number }} server
 */
export async function overload(ctx, server) {
  const o = ctx.options
  const base = { url: server.url, targetsFile: ctx.targetsFile, mode: /** @type {const} */ ('close'), threads: o.threads, targetPid: server.pid, countStatus: true }
  // Capacity with the documents rendered, as in the storms: a probe racing the first pre-render would understate it.
  if (o.cache === 'prerendered') await awaitPrerender(server.url, o.workers)
  ctx.say(`overload: measuring capacity (${o.connections} connections, 5 s)`)
  const probeRun = await runStorm({ ...base, connections: o.connections, durationS: 5, timeoutS: o.timeoutS })
  const capacity = Math.max(1, Math.round((probeRun.status['200'] ?? 0) / probeRun.durationS))
  const offered = capacity * o.overloadFactor
  // Each connection waits delayMs before each request, so C connections offer about C / delay requests per second.
  const delayMs = Math.max(0, Math.round((o.overloadConnections / offered) * 1000))
  ctx.say(`overload: capacity ${capacity} req/s; offering ~${Math.round(offered)} req/s with ${o.overloadConnections} connections, ${delayMs} ms apart, for ${o.overloadDurationS} s`)
  const rss = sampleRss(server.pid, 500)
  const run = await runStorm({
    ...base,
    connections: o.overloadConnections,
    durationS: o.overloadDurationS,
    delayMs,
    startOffset: probeRun.requests,
    timeoutS: o.timeoutS,
  })
  const memory = rss.stop()
  const ok = run.status['200'] ?? 0
  const shed = run.status['503'] ?? 0
  const other = Object.entries(run.status).filter(([code]) => code !== '200' && code !== '503')
  const unexpected = other.reduce((a, [, n]) => a + n, 0) + run.missingRetryAfter
  return {
    maxInflight: o.maxInflight,
    capacityRps: capacity,
    capacityRun: probeRun,
    offeredRps: Math.round(offered),
    achievedRps: run.rps,
    delayMs,
    status: run.status,
    ok,
    shed,
    shedPct: round((shed / Math.max(1, run.requests)) * 100, 1),
    missingRetryAfter: run.missingRetryAfter,
    unexpected,
    timeouts: run.errors.timeout,
    socketErrors: run.errors.connect + run.errors.read + run.errors.write,
    latencyMs: run.latencyMs,
    rss: memory,
  }
}

/**
 * A storm (new connections) against a server that re-syncs every `syncStormIntervalS`: the p99 while full syncs
 * run (OPS-7 at 100k). Reports the sync windows the fake SMD saw during the storm.
 * @param {BenchContext} ctx
 * @param {{ url: string, pid: number }} server
 */
export async function syncStorm(ctx, server) {
  const o = ctx.options
  const durationS = Math.max(o.durationS, o.syncStormIntervalS * 3)
  // The pre-render that follows start-up and the quick-start writes would otherwise share the storm (issue 19:
  // it took ~6 s of main-thread CPU at 100k): wait for it (it starts once writes pause ~1 s), so the p99 is the
  // syncs' own. Syncs of an unchanged SMD keep the generation, so no pre-render runs during the storm.
  const stormOptions = {
    url: server.url,
    targetsFile: ctx.targetsFile,
    mode: /** @type {const} */ ('close'),
    threads: o.threads,
    connections: o.connections,
    // --rate paces it as in the storms above: p99 at that load rather than under saturation.
    delayMs: o.rate > 0 ? Math.round((o.connections / o.rate) * 1000) : 0,
    timeoutS: o.timeoutS,
    targetPid: server.pid,
  }
  let prerenderWaitS = await awaitFilledCache(server.url)
  // Like every other storm: an unmeasured warm-up first, then the cache emptied and pre-rendered again, so the p99
  // is the syncs' and not a fresh process's first seconds (its JIT, heap growth, first connections). Issue 19, 100k
  // nodes, pinned, no sync during the storm: p99 31-40 ms in a storm that began on a just-started server, 16-22 ms
  // after the warm-up.
  if (o.warmupS > 0) {
    await runStorm({ ...stormOptions, durationS: o.warmupS })
    prerenderWaitS = await flushAndPrerender(server.url, o.workers)
  }
  const before = await smdStats(ctx.smdUrl)
  const rss = sampleRss(server.pid, 250)
  const started = Date.now()
  const storm = await runStorm({ ...stormOptions, durationS })
  const ended = Date.now()
  const memory = rss.stop()
  const after = await smdStats(ctx.smdUrl)
  const bulk = after.bulk.slice(before.bulk.length).filter((b) => b.start >= started && b.start <= ended)
  // One sync = the four concurrent bulk calls; group calls that start within 1 s of the previous group's first.
  const syncs = []
  for (const b of [...bulk].sort((x, y) => x.start - y.start)) {
    const last = syncs.at(-1)
    if (last && b.start - last.start < 1000) last.end = Math.max(last.end, b.end)
    else syncs.push({ start: b.start, end: b.end })
  }
  const metrics = await scrapeMetrics(server.url, 'smd_sync_duration')
  return {
    intervalS: o.syncStormIntervalS,
    durationS,
    warmupS: o.warmupS,
    prerenderWaitS,
    syncs: syncs.length,
    transferSeconds: syncs.map((s) => round((s.end - s.start) / 1000, 3)),
    lastSyncMetricSeconds: metrics.metadata_service_smd_sync_duration_seconds,
    storm,
    rss: { peakMiB: memory.peakMiB },
  }
}

/**
 * Waits until a pre-render pass has filled the cache and none runs, twice in a row 1 s apart (the pass after the
 * quick-start writes starts about a second after them); resolves with the seconds waited (at most 300).
 * @param {string} url
 */
async function awaitFilledCache(url) {
  const started = Date.now()
  let settled = 0
  while (settled < 2) {
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    const m = await scrapeMetrics(url, 'prerender_')
    settled = (m.metadata_service_prerender_last_pass_documents ?? 0) > 0 && (m.metadata_service_prerender_running ?? 0) === 0 ? settled + 1 : 0
    if (Date.now() - started > 300_000) throw new Error('pre-render did not fill the cache within 300 s')
  }
  return round((Date.now() - started) / 1000, 2)
}

/**
 * NoCloud documents built for requests so far (cache misses, `metadata_service_render_cache_misses_total`, every
 * document label), summed over the serving processes; the pre-render's own builds are not in it.
 * @param {string} url
 */
export async function documentBuilds(url) {
  const samples = await scrapeMetrics(url, 'render_cache_misses_total')
  return Object.values(samples).reduce((a, b) => a + b, 0)
}

/**
 * Empties the document cache and waits until each of the `workers` serving processes has pre-rendered it again;
 * resolves with the seconds waited.
 * @param {string} url
 * @param {number} workers
 */
async function flushAndPrerender(url, workers) {
  const passes = await prerenderPasses(url)
  await flushDocumentCache(url)
  return awaitPrerender(url, passes + workers)
}

/**
 * Pre-render passes completed so far, summed over the serving processes (`metadata_service_prerender_passes_total`).
 * @param {string} url
 */
async function prerenderPasses(url) {
  return (await scrapeMetrics(url, 'prerender_passes_total')).metadata_service_prerender_passes_total ?? 0
}

/**
 * Waits until `passes` pre-render passes are complete and none is running (polled every 100 ms, at most 300 s);
 * resolves with the seconds waited.
 * @param {string} url
 * @param {number} passes
 */
async function awaitPrerender(url, passes) {
  const started = Date.now()
  for (;;) {
    const m = await scrapeMetrics(url, 'prerender_')
    if ((m.metadata_service_prerender_passes_total ?? 0) >= passes && (m.metadata_service_prerender_running ?? 0) === 0) break
    if (Date.now() - started > 300_000) throw new Error(`pre-render did not finish ${passes} passes within 300 s`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return round((Date.now() - started) / 1000, 2)
}
