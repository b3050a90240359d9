// `npm run bench`: the boot-storm benchmark of SPEC OPS-7 (see bench/README.md). Starts a fake SMD with N nodes,
// the real server built from this checkout, and a bare node:http baseline; storms both with wrk; prints a table
// and writes bench/results/<timestamp>.json.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startPortChild } from './children.js'
import { equivalentSpinUs, runSpinLadder } from './spin-ladder.js'
import { MOCK_NODES, benchNodes, targetLines } from './nodes.js'
import { buildLoggerVariant } from './logger-variant.js'
import { USAGE, parseOptions } from './options.js'
import { enablePinning } from './pin.js'
import { hostileTemplate } from './hostile.js'
import { copyDocuments, findNginx, startNginx } from './nginx.js'
import { bootServer, overload, smdStats, stormModes, syncStorm, totalCalls } from './phases.js'
import { summariseProfileDir } from './profile-summary.js'
import { sampleRss } from './proc-stats.js'
import { round, table, verdicts, writeResults } from './report.js'
import { REPO_ROOT, assertBuilt, logBytes } from './server.js'
import { wrkVersion } from './wrk.js'

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url))
const say = (line) => process.stderr.write(`[bench] ${line}\n`)

async function main() {
  let options
  try {
    options = parseOptions(process.argv.slice(2))
  } catch (err) {
    process.stderr.write(`Error: ${err.message}\n\n${USAGE}\n`)
    return 2
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  assertBuilt()
  if (options.pin) enablePinning()
  const workDir = mkdtempSync(join(tmpdir(), 'mds-bench-'))
  const targetsFile = join(workDir, 'targets.txt')
  const nodes = options.mock ? MOCK_NODES : benchNodes(options.nodes)
  writeFileSync(targetsFile, targetLines(nodes))
  /** @type {(() => Promise<unknown>)[]} */
  const cleanup = []
  const results = {
    startedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, wrk: await wrkVersion() },
    git: gitInfo(),
    config: { ...options, loadGenerator: 'wrk + bench/storm.lua' },
  }
  try {
    let smdUrl
    if (!options.mock) {
      say(`fake SMD with ${options.nodes} nodes`)
      const smd = await startPortChild(join(BENCH_DIR, 'fake-smd.js'), ['--nodes', String(options.nodes)])
      cleanup.push(() => smd.stop())
      smdUrl = `http://127.0.0.1:${smd.port}`
    }
    /** @type {{ fromUs: number, toUs: number }[]} */
    const stormWindows = []
    const ctx = { options, workDir, targetsFile, nodes, smdUrl, say, stormWindows }

    const booted = await bootServer(ctx, {
      name: 'main',
      syncIntervalS: 86_400,
      maxInflight: options.overload ? options.maxInflight : undefined,
      cpuProfile: options.profile,
    })
    const { server } = booted
    cleanup.push(() => server.stop())
    Object.assign(results, { sync: booted.sync, documentBytes: booted.probe.bytes, probeProblems: booted.probe.problems })

    const rss = sampleRss(server.pid, 250)
    // The profile summary covers the storms only, not start-up and the first sync.
    const stormsFromUs = Number(process.hrtime.bigint() / 1000n)
    const callsBefore = totalCalls((await smdStats(ctx.smdUrl)).calls)
    /** @type {{ url: string, pid: number } | undefined} */
    let baselineTarget
    if (options.overload) {
      results.overload = await overload(ctx, server)
    } else if (options.hostileTemplate) {
      results.hostileTemplate = await hostileTemplate(ctx, server)
    } else {
      const bytes = booted.probe.bytes['/meta-data'] ?? 1200
      const baseline = await startPortChild(join(BENCH_DIR, 'baseline-server.js'), ['--bytes', String(bytes)], undefined, 'target')
      cleanup.push(() => baseline.stop())
      results.baselineBytes = bytes
      baselineTarget = { url: `http://127.0.0.1:${baseline.port}`, pid: baseline.pid }
      const limit = await startLimit(ctx, server.url)
      if (limit) cleanup.push(() => limit.stop())
      results.limit = limit ? { server: 'nginx, 1 worker, access log on, the same bytes from files' } : { skipped: 'nginx not found (apt-get install nginx)' }
      results.modes = await stormModes(ctx, server, baselineTarget, limit)
      await limit?.stop()
      if (options.spinLadder.length > 0) results.spinLadder = await runSpinLadder(ctx, bytes)
    }
    results.smd = options.mock ? {} : { callsDuringStorms: totalCalls((await smdStats(ctx.smdUrl)).calls) - callsBefore }
    const memory = rss.stop()
    results.rss = { afterSyncMiB: booted.sync.rssAfterSyncMiB, peakMiB: memory.peakMiB, series: thin(memory.series, 120) }
    results.serverLogMiB = round(logBytes(server.logFile) / 1_048_576, 1)
    // Stopped here (not in cleanup) so the profile is written before it is read; a second stop() is harmless.
    results.serverExitCode = await server.stop()
    if (options.profile) {
      // Issue 19: only the measured storms, not the warm-ups and the pre-render passes between runs (which render
      // every document again after each change, and made the storms look as if they still built documents).
      const windows = stormWindows.length > 0 ? stormWindows : undefined
      results.profile = summariseProfileDir(join(workDir, 'main', 'prof'), { fromUs: stormsFromUs, windows })
      results.profileStartup = summariseProfileDir(join(workDir, 'main', 'prof'), { toUs: server.healthyAtUs, top: 15 })
    }

    // Other loggers (issue 17): the same storms against the same baseline, so every logger's ratio comes from one
    // run. The server above (the service as built) is stopped by now; each copy serves the same inventory in turn.
    const others = options.loggers.filter((l) => l !== 'pino')
    if (baselineTarget !== undefined && others.length > 0) {
      results.loggers = { pino: results.modes }
      for (const name of others) {
        say(`building the server with the ${name} logger (bench/logger-variant.js)`)
        const bin = await buildLoggerVariant(REPO_ROOT, name)
        const variant = await bootServer(ctx, { name: `logger-${name}`, syncIntervalS: 86_400, bin })
        cleanup.push(() => variant.server.stop())
        results.loggers[name] = await stormModes(ctx, variant.server, baselineTarget)
        await variant.server.stop()
      }
    }

    if (options.syncStorm) {
      const second = await bootServer(ctx, { name: 'sync-storm', syncIntervalS: options.syncStormIntervalS })
      cleanup.push(() => second.server.stop())
      say(`sync storm: re-sync every ${options.syncStormIntervalS} s during a new-connection storm`)
      results.syncStorm = await syncStorm(ctx, second.server)
    }
  } finally {
    for (const stop of cleanup.reverse()) await stop().catch(() => {})
    if (options.keep) say(`kept ${workDir}`)
    else rmSync(workDir, { recursive: true, force: true })
  }
  results.verdicts = verdicts(results)
  process.stdout.write(`${render(results)}\n`)
  say(`results: ${writeResults(BENCH_DIR, results)}`)
  return 0
}

/**
 * The `--spin-ladder` table and, per mode, the added work per request our req/s matches.
 * @param {Awaited<ReturnType<typeof runSpinLadder>>} ladder
 * @param {Record<string, { server: { rps: number }, baseline: { rps: number } }>} modes
 */
function renderSpinLadder(ladder, modes) {
  const rows = []
  const lines = []
  for (const [mode, m] of Object.entries(modes)) {
    for (const step of ladder) {
      const x = step.modes[mode]
      if (x) rows.push([`${mode} bare + ${step.spinUs} µs`, x.rps, round(x.rps / m.baseline.rps, 3), x.p99Ms, x.cpuUsPerRequest])
    }
    const points = ladder.flatMap((step) => (step.modes[mode] ? [{ spinUs: step.spinUs, rps: step.modes[mode].rps }] : []))
    const eq = equivalentSpinUs(m.server.rps, m.baseline.rps, points)
    if (eq) lines.push(`${mode}: ours (${m.server.rps} req/s) ≈ bare + ${eq.us} µs of busy CPU per request${eq.beyond ? ' (extrapolated past the ladder)' : ''}`)
  }
  return ['spin ladder (bare node:http kept busy N µs per request before answering; ratio to the plain baseline, medians):', table(['mode / target', 'req/s', 'ratio', 'p99 ms', 'cpu µs/req'], rows), ...lines]
}

/** The human summary printed at the end. */
function render(r) {
  const out = [`metadata-service boot storm — ${r.config.mock ? '--mock-smd (3 nodes)' : `${r.config.nodes} nodes`}, ${r.config.cache} cache, ${r.config.workers} worker${r.config.workers === 1 ? '' : 's'},${r.config.rate > 0 ? ` paced at ${r.config.rate} req/s,` : ''}${r.config.pin ? ' pinned (taskset: targets / wrk),' : ''} ${r.machine.cpus} CPUs, ${r.git.commit}${r.git.dirty ? ' (dirty)' : ''}`]
  const s = r.sync
  out.push(
    `sync: startup→healthy ${s.startupSeconds} s; first SMD call→healthy ${s.healthySeconds} s; ` +
      `smd_sync_duration_seconds ${s.metricSeconds ?? 'n/a'}; server CPU until healthy ${s.cpuSecondsToHealthy} s; ${s.calls} SMD calls; payload ${s.payloadMiB} MiB; RSS after sync ${round(s.rssAfterSyncMiB ?? 0, 1)} MiB`,
  )
  out.push(`document bytes: ${Object.entries(r.documentBytes).map(([k, v]) => `${k} ${v}`).join(', ')}`)
  if (r.modes) {
    const rows = []
    for (const [mode, m] of Object.entries(r.modes)) {
      const targets = [['server', m.server], ['baseline', m.baseline], ...(m.limit ? [['nginx', m.limit.baseline]] : [])]
      for (const [who, x] of targets) {
        const server = who === 'server'
        rows.push([`${mode} ${who}`, x.rps, server ? m.ratio : '', server ? m.limit?.ratio : '', x.p50Ms, x.p99Ms, x.maxMs, x.non2xx, x.socketErrors, x.timeouts, x.cpuUsPerRequest, server ? m.cpuRatio : '', x.targetCpuPct, x.clientCpuPct, x.otherCpuPct, server ? x.repeatedPct : '', server ? x.buildsPerRun.map((b) => b ?? '?').join('/') : ''])
      }
    }
    const waits = Object.entries(r.modes).flatMap(([mode, m]) => (m.prerenderWaitS?.length ? [`${mode} ${m.prerenderWaitS.join(', ')} s`] : []))
    if (waits.length > 0) out.push(`pre-render after each change (before each measured run): ${waits.join('; ')}`)
    if (r.limit?.skipped) out.push(`machine's limit: skipped, ${r.limit.skipped}`)
    else if (r.limit) out.push(`ours/limit: server req/s ÷ ${r.limit.server}, median of the per-round ratios`)
    out.push('', table(['mode / target', 'req/s', 'ratio', 'ours/limit', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'sock err', 'timeouts', 'cpu µs/req', 'cpu ratio', 'target cpu%', 'wrk cpu%', 'other cpu%', 'repeat %', 'builds/run'], rows))
  }
  if (r.spinLadder && r.modes) out.push('', ...renderSpinLadder(r.spinLadder, r.modes))
  if (r.loggers) {
    const rows = Object.entries(r.loggers).flatMap(([logger, modes]) =>
      Object.entries(modes).map(([mode, m]) => [`${mode} ${logger}`, m.server.rps, m.baseline.rps, m.ratio, m.server.p99Ms, m.server.cpuUsPerRequest, m.cpuRatio]),
    )
    out.push('', 'loggers (each against the same bare node:http baseline, medians):')
    out.push(table(['mode / logger', 'req/s', 'baseline req/s', 'ratio', 'p99 ms', 'cpu µs/req', 'cpu ratio'], rows))
  }
  if (r.overload) {
    const o = r.overload
    out.push(
      '',
      `overload (max-inflight ${o.maxInflight}): capacity ${o.capacityRps} req/s, offered ~${o.offeredRps}, answered ${o.achievedRps}/s; ` +
        `status ${JSON.stringify(o.status)}; shed ${o.shedPct}%; 503 without Retry-After ${o.missingRetryAfter}; timeouts ${o.timeouts}; socket errors ${o.socketErrors}; p99 ${o.latencyMs.p99} ms; RSS peak ${o.rss.peakMiB} MiB`,
    )
  }
  if (r.hostileTemplate) {
    const t = r.hostileTemplate
    const row = (name, x) => [name, x.rps, x.p50Ms, x.p99Ms, x.maxMs, x.non2xx, x.timeouts, x.side.rps, x.side.p99Ms, JSON.stringify(x.side.status)]
    out.push(
      '',
      `hostile template (group ${t.group}, ${t.keys} keys per node; measured: the other nodes' documents, new connections; ` +
        `side: the group's nodes asking for /${t.group}.yaml); p99 hostile/normal ${t.p99Ratio} (pairs ${t.pairP99Ratios.join(', ')}); ` +
        `answers over a template limit ${t.templateLimitAnswers}`,
      table(['phase', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'timeouts', 'side req/s', 'side p99 ms', 'side statuses'], [row('normal', t.normal), row('hostile', t.hostile)]),
    )
  }
  if (r.syncStorm) {
    const y = r.syncStorm
    out.push('', `storm during re-syncs (after a ${y.warmupS} s warm-up and the pre-render, ${y.prerenderWaitS} s): ${y.syncs} syncs in ${y.durationS} s (transfers ${y.transferSeconds.join(', ')} s); ${y.storm.rps} req/s, p99 ${y.storm.latencyMs.p99} ms, ${y.storm.errors.status} non-2xx; RSS peak ${y.rss.peakMiB} MiB`)
  }
  out.push('', `RSS: after sync ${round(r.rss.afterSyncMiB ?? 0, 1)} MiB, peak ${r.rss.peakMiB} MiB; SMD calls during storms ${r.smd.callsDuringStorms ?? 'n/a'}; server log ${r.serverLogMiB} MiB; exit ${r.serverExitCode}`)
  if (r.probeProblems.length > 0) out.push(`probe problems: ${r.probeProblems.length} (first: ${r.probeProblems[0]})`)
  if (r.profileStartup) {
    const p = r.profileStartup
    out.push('', `CPU profile of start-up and first sync (${p.totalMs} ms busy, ${p.idleMs} ms idle) by area:`)
    out.push(table(['area', 'self ms', '%'], p.areas.slice(0, 8).map((a) => [a.area, a.selfMs, a.pct])))
    out.push('', table(['function', 'where', 'self ms', '%'], p.topFunctions.map((f) => [f.name.slice(0, 40), f.where.slice(0, 70), f.selfMs, f.pct])))
  }
  if (r.profile) {
    out.push('', `CPU profile of the storms (${r.profile.totalMs} ms busy, ${r.profile.idleMs} ms idle) by area:`)
    out.push(table(['area', 'self ms', '%'], r.profile.areas.slice(0, 12).map((a) => [a.area, a.selfMs, a.pct])))
    out.push('', table(['function', 'where', 'self ms', '%'], r.profile.topFunctions.map((f) => [f.name.slice(0, 40), f.where.slice(0, 70), f.selfMs, f.pct])))
  }
  out.push('', 'OPS-7:')
  for (const v of r.verdicts) out.push(`  ${v.pass ? 'PASS' : 'FAIL'}  ${v.target}: ${v.value ?? 'n/a'}`)
  return out.join('\n')
}

/**
 * Issue 19: nginx serving the server's own bytes, or undefined (said on stderr) where nginx is not installed.
 * @param {import('./phases.js').BenchContext} ctx
 * @param {string} serverUrl
 */
async function startLimit(ctx, serverUrl) {
  const bin = findNginx()
  if (bin === undefined) {
    ctx.say("nginx not found (apt-get install nginx): no \"machine's limit\" row")
    return undefined
  }
  const dir = join(ctx.workDir, 'nginx')
  ctx.say(`copying ${ctx.nodes.length * 5} documents for nginx`)
  await copyDocuments(serverUrl, ctx.nodes, dir)
  return startNginx(bin, dir)
}

/** Keeps at most `max` evenly spaced points of a series. */
function thin(series, max) {
  if (series.length <= max) return series
  const step = series.length / max
  return Array.from({ length: max }, (_, i) => series[Math.floor(i * step)])
}

function gitInfo() {
  const git = (...args) => {
    try {
      return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    } catch {
      return ''
    }
  }
  return { commit: git('rev-parse', '--short', 'HEAD'), dirty: git('status', '--porcelain', '--untracked-files=no') !== '' }
}

process.exitCode = await main().catch((err) => {
  process.stderr.write(`Error: ${err.stack ?? err}\n`)
  return 1
})
