// Runs one wrk storm with bench/storm.lua and returns its figures (requests/s, latency percentiles, errors), plus
// the CPU used by wrk itself and by the target during the run, so a client-bound run can be recognised.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { cpus } from 'node:os'
import { pinned } from './pin.js'
import { cpuSeconds, loadAverage, machineCpu } from './proc-stats.js'

const STORM_LUA = fileURLToPath(new URL('./storm.lua', import.meta.url))

/**
 * @typedef {object} StormOptions
 * @property {string} url              target base URL, e.g. `http://127.0.0.1:8080`
 * @property {string} targetsFile      `<ip> <group>` lines (nodes.js targetLines)
 * @property {'close' | 'keepalive'} mode  `close`: a new connection per request
 * @property {number} threads          wrk threads
 * @property {number} connections      wrk connections (open at once)
 * @property {number} durationS        seconds
 * @property {number} [startOffset]    first request number k (storm.lua); default 0
 * @property {boolean} [countStatus]   count every status (slower client); default false
 * @property {number} [delayMs]        pause before each request per connection; default 0
 * @property {number} [timeoutS]       wrk's per-request timeout; later answers count as timeouts; default 5
 * @property {number} [targetPid]      the server's pid, for its CPU use during the run
 * @property {boolean} [groupOnly]     every request is the node's `/<group>.yaml` (the --hostile-template side storm)
 */

/**
 * @typedef {object} StormResult
 * @property {number} rps               completed requests per second
 * @property {number} requests
 * @property {number} durationS
 * @property {{ p50: number, p90: number, p99: number, p999: number, mean: number, max: number }} latencyMs
 * @property {{ connect: number, read: number, write: number, status: number, timeout: number }} errors
 *   wrk's counters: `status` = answers ≥ 400, `timeout` = answers later than timeoutS (or none)
 * @property {Record<string, number>} status  per status code; only with countStatus
 * @property {number} missingRetryAfter 503s without Retry-After; only with countStatus
 * @property {{ clientPct: number | undefined, targetPct: number | undefined, otherPct: number | undefined }} cpu
 *   % of one core: wrk, the target, and everything else on the machine (other load skews the figures)
 * @property {number | undefined} loadAvg  1-minute load average at the end
 * @property {number} [repeatedPct]    share of requests for documents asked before in the sequence (phases.js)
 */

/**
 * Runs wrk once. Rejects when wrk fails or prints no result line.
 * @param {StormOptions} o
 * @returns {Promise<StormResult>}
 */
export async function runStorm(o) {
  const args = [
    `-t${o.threads}`,
    `-c${o.connections}`,
    `-d${o.durationS}s`,
    `--timeout`,
    `${o.timeoutS ?? 5}s`,
    '--latency',
    '-s',
    STORM_LUA,
    o.url,
    '--',
    o.targetsFile,
    String(o.threads),
    String(o.startOffset ?? 0),
    o.mode,
    o.countStatus ? '1' : '0',
    String(o.delayMs ?? 0),
    ...(o.groupOnly ? ['group'] : []),
  ]
  const child = spawn(...pinned('client', 'wrk', args), { stdio: ['ignore', 'pipe', 'pipe'] })
  const target0 = o.targetPid === undefined ? undefined : cpuSeconds(o.targetPid)
  const machine0 = machineCpu()
  const started = process.hrtime.bigint()
  let clientCpu
  // Read wrk's own CPU just before it exits (its /proc entry vanishes after).
  const probe = setInterval(() => {
    const c = child.pid === undefined ? undefined : cpuSeconds(child.pid)
    if (c !== undefined) clientCpu = c
  }, 200)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const code = await new Promise((resolve) => child.on('close', resolve))
  clearInterval(probe)
  const wallS = Number(process.hrtime.bigint() - started) / 1e9
  const target1 = o.targetPid === undefined ? undefined : cpuSeconds(o.targetPid)
  const machine1 = machineCpu()
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_JSON '))
  if (code !== 0 || line === undefined) throw new Error(`wrk failed (exit ${code}): ${stderr.trim() || stdout.trim()}`)
  const raw = JSON.parse(line.slice('BENCH_JSON '.length))
  const durationS = raw.duration_us / 1e6
  const ms = (us) => Math.round(us / 10) / 100
  const pct = (seconds) => (seconds === undefined ? undefined : Math.round((seconds / wallS) * 1000) / 10)
  const clientPct = pct(clientCpu)
  const targetPct = target0 === undefined || target1 === undefined ? undefined : pct(target1 - target0)
  const machinePct =
    machine0 === undefined || machine1 === undefined
      ? undefined
      : pct(Math.min(machine1.total - machine0.total, wallS * cpus().length) - (machine1.idle - machine0.idle))
  return {
    rps: Math.round(raw.requests / durationS),
    requests: raw.requests,
    durationS,
    latencyMs: {
      p50: ms(raw.latency_us.p50),
      p90: ms(raw.latency_us.p90),
      p99: ms(raw.latency_us.p99),
      p999: ms(raw.latency_us.p999),
      mean: ms(raw.latency_us.mean),
      max: ms(raw.latency_us.max),
    },
    errors: raw.errors,
    status: raw.status ?? {},
    missingRetryAfter: raw.missing_retry_after ?? 0,
    cpu: {
      clientPct,
      targetPct,
      otherPct:
        machinePct === undefined ? undefined : Math.max(0, Math.round((machinePct - (clientPct ?? 0) - (targetPct ?? 0)) * 10) / 10),
    },
    loadAvg: loadAverage(),
  }
}

/** wrk's version line, for the results file. */
export async function wrkVersion() {
  const child = spawn('wrk', ['-v'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  await new Promise((resolve) => child.on('close', resolve))
  return out.split('\n')[0]?.trim() ?? ''
}
