// Aggregation and printing of benchmark figures: medians over runs, the server/baseline ratio, OPS-7 verdicts, the
// console table and the results file.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Median of numbers (mean of the middle two for an even count); `undefined` for none.
 * @param {readonly (number | undefined)[]} values
 */
export function median(values) {
  const sorted = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b)
  if (sorted.length === 0) return undefined
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : round((sorted[mid - 1] + sorted[mid]) / 2, 2)
}

/**
 * The per-target summary of several storm runs: medians of rps and latency, summed errors.
 * @param {import('./wrk.js').StormResult[]} runs
 */
export function summariseRuns(runs) {
  const sum = (pick) => runs.reduce((a, r) => a + pick(r), 0)
  return {
    rps: median(runs.map((r) => r.rps)),
    p50Ms: median(runs.map((r) => r.latencyMs.p50)),
    p99Ms: median(runs.map((r) => r.latencyMs.p99)),
    maxMs: Math.max(...runs.map((r) => r.latencyMs.max)),
    requests: sum((r) => r.requests),
    non2xx: sum((r) => r.errors.status),
    socketErrors: sum((r) => r.errors.connect + r.errors.read + r.errors.write),
    timeouts: sum((r) => r.errors.timeout),
    clientCpuPct: median(runs.map((r) => r.cpu.clientPct)),
    targetCpuPct: median(runs.map((r) => r.cpu.targetPct)),
    otherCpuPct: median(runs.map((r) => r.cpu.otherPct)),
    repeatedPct: median(runs.map((r) => r.repeatedPct)),
    // Issue 19: documents built for requests during each run (server only; target 0 after a finished pre-render).
    buildsPerRun: runs.map((r) => r.builds),
    // CPU the target spent per answered request: robust to other load on the machine, unlike req/s.
    cpuUsPerRequest: median(runs.map((r) => (r.cpu.targetPct === undefined ? undefined : Math.round((r.cpu.targetPct * 10_000) / Math.max(1, r.rps))))),
  }
}

/**
 * Server versus baseline for one mode. `ratio` is the median of the per-pair ratios (each server run is paired
 * with the baseline run just before it, so drifting machine load cancels out).
 * @param {import('./wrk.js').StormResult[]} serverRuns
 * @param {import('./wrk.js').StormResult[]} baselineRuns
 */
export function compareMode(serverRuns, baselineRuns) {
  const pairs = serverRuns.map((s, i) => s.rps / (baselineRuns[i]?.rps ?? Number.NaN))
  const ratio = median(pairs)
  const server = summariseRuns(serverRuns)
  const baseline = summariseRuns(baselineRuns)
  return {
    server,
    baseline,
    ratio: ratio === undefined ? undefined : round(ratio, 3),
    pairRatios: pairs.map((r) => round(r, 3)),
    // Baseline CPU per request ÷ server CPU per request: what the ratio would be if both were CPU-bound alone.
    cpuRatio:
      server.cpuUsPerRequest === undefined || baseline.cpuUsPerRequest === undefined
        ? undefined
        : round(baseline.cpuUsPerRequest / Math.max(1, server.cpuUsPerRequest), 3),
  }
}

/** @param {number} value @param {number} digits */
export function round(value, digits) {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

/**
 * A fixed-width text table.
 * @param {string[]} header
 * @param {(string | number | undefined)[][]} rows
 */
export function table(header, rows) {
  const cells = [header, ...rows.map((r) => r.map((c) => (c === undefined ? '-' : String(c))))]
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)))
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n')
}

/**
 * The OPS-7 checks that this run can decide, each `{ target, value, pass }`.
 * @param {object} results  the results object built by run.js
 */
export function verdicts(results) {
  const out = []
  const close = results.modes?.close
  if (close) {
    // A paced storm (--rate) caps both targets at the same offered rate, so its ratio says nothing about capacity.
    if (!(results.config.rate > 0))
      out.push({ target: 'new connections: throughput ≥ 0.8× bare node:http', value: close.ratio, pass: (close.ratio ?? 0) >= 0.8 })
    out.push({ target: 'new connections: p99 ≤ 20 ms', value: close.server.p99Ms, pass: (close.server.p99Ms ?? Infinity) <= 20 })
    const errors = close.server.non2xx + close.server.socketErrors + close.server.timeouts
    out.push({ target: 'new connections: zero errors', value: errors, pass: errors === 0 })
  }
  if (results.smd?.callsDuringStorms !== undefined)
    out.push({ target: 'no SMD call per request', value: results.smd.callsDuringStorms, pass: results.smd.callsDuringStorms === 0 })
  if (results.sync?.calls !== undefined) out.push({ target: '≤ 4 SMD calls per sync', value: results.sync.calls, pass: results.sync.calls <= 4 })
  if (results.config.nodes >= 100_000 && !results.config.mock) {
    // The 400 MB are decimal megabytes: 381.5 MiB, the unit every other RSS figure here is in.
    const peakMB = Math.round(results.rss.peakMiB * 1.048576 * 10) / 10
    out.push({ target: '100k nodes: peak RSS ≤ 400 MB (MB, not MiB)', value: peakMB, pass: peakMB <= 400 })
    const syncS = results.sync?.metricSeconds ?? results.sync?.healthySeconds
    out.push({ target: '100k nodes: full sync ≤ 3 s', value: syncS, pass: (syncS ?? Infinity) <= 3 })
  }
  if (results.syncStorm) {
    out.push({ target: 'p99 during a full sync ≤ 50 ms', value: results.syncStorm.storm.latencyMs.p99, pass: results.syncStorm.storm.latencyMs.p99 <= 50 })
  }
  if (results.hostileTemplate) {
    const t = results.hostileTemplate
    out.push({ target: 'hostile template: other nodes\' p99 ≤ 2× normal', value: t.p99Ratio, pass: (t.p99Ratio ?? Infinity) <= 2 })
    out.push({ target: 'hostile template: other nodes get no error', value: t.hostile.non2xx + t.hostile.timeouts, pass: t.hostile.non2xx + t.hostile.timeouts === 0 })
  }
  if (results.overload) {
    const o = results.overload
    out.push({ target: 'overload: only 200 and 503+Retry-After', value: o.unexpected, pass: o.unexpected === 0 })
  }
  return out
}

/**
 * Writes `bench/results/<timestamp>.json` and returns its path.
 * @param {string} benchDir
 * @param {object} results
 */
export function writeResults(benchDir, results) {
  const dir = join(benchDir, 'results')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${new Date().toISOString().replaceAll(':', '-').replace(/\.\d+Z$/, 'Z')}.json`)
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
  return file
}
