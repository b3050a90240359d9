// The server under test: `node packages/cli/bin/metadata-service.js serve` built from this checkout, pointed at the
// benchmark fake SMD. Its JSON log lines (one per request, OPS-5) go to a file in the run's temp directory.
import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, stopChild } from './children.js'
import { pinned } from './pin.js'

/** The repository root (bench/ lives there). */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url))
// BENCH_SERVER_BIN swaps in another executable with the same `serve` flags (used to test the harness itself).
const BIN = process.env.BENCH_SERVER_BIN ?? join(REPO_ROOT, 'packages/cli/bin/metadata-service.js')
const DIST = join(REPO_ROOT, 'packages/cli/dist/index.js')

/**
 * @typedef {object} ServerOptions
 * @property {string} workDir          temp directory: holds `data/`, `server.log` and `prof/`
 * @property {string | undefined} smdUrl  the fake SMD (`SMD_URL`); undefined = `--mock-smd`
 * @property {number} syncIntervalS    `--smd-sync-interval`; large, so no sync runs during a storm
 * @property {number} [maxInflight]    `--max-inflight`; absent = the server default (1024)
 * @property {string} [logLevel]       `--log-level`; absent = the server default (info: one line per request)
 * @property {boolean} [cpuProfile]    run under `node --cpu-prof` (written to `<workDir>/prof` on exit)
 * @property {string[]} [extraArgs]    more `serve` flags
 * @property {string[]} [nodeArgs]     more flags for the server's node
 * @property {string} [bin]             the executable; default the CLI built from this checkout (or BENCH_SERVER_BIN)
 * @property {number} [readyTimeoutMs] how long to wait for `/health` 200; default 300 s
 */

/**
 * @typedef {object} RunningServer
 * @property {number} pid
 * @property {number} port
 * @property {string} url
 * @property {string} logFile
 * @property {number} spawnedAt        epoch ms
 * @property {number} listeningAt      epoch ms of the first answer from `/health` (any status)
 * @property {number} healthyAt        epoch ms of the first `/health` 200 (first sync done, SMD-14)
 * @property {number} healthyAtUs      the same on CLOCK_MONOTONIC in µs (the clock of `--cpu-prof` profiles)
 * @property {() => Promise<number | string | null>} stop  SIGTERM (graceful drain, OPS-4), SIGKILL after 40 s; exit code or signal
 */

/** Fails early with the build hint when the CLI bundle is missing. */
export function assertBuilt() {
  if (process.env.BENCH_SERVER_BIN === undefined && !existsSync(DIST)) throw new Error(`the server is not built (${DIST} missing): run \`npm run build\` first`)
}

/**
 * Starts the server and waits until `/health` answers 200.
 * @param {ServerOptions} o
 * @returns {Promise<RunningServer>}
 */
export async function startServer(o) {
  assertBuilt()
  const port = await freePort()
  mkdirSync(o.workDir, { recursive: true })
  const logFile = join(o.workDir, 'server.log')
  const log = openSync(logFile, 'a')
  const nodeArgs = [...(o.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${join(o.workDir, 'prof')}`] : []), ...(o.nodeArgs ?? [])]
  const args = [
    ...nodeArgs,
    o.bin ?? BIN,
    'serve',
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
    '--data-dir',
    join(o.workDir, 'data'),
    '--smd-sync-interval',
    String(o.syncIntervalS),
    ...(o.maxInflight === undefined ? [] : ['--max-inflight', String(o.maxInflight)]),
    ...(o.logLevel === undefined ? [] : ['--log-level', o.logLevel]),
    ...(o.smdUrl === undefined ? ['--mock-smd'] : []),
    ...(o.extraArgs ?? []),
  ]
  // cwd and XDG_CONFIG_HOME point at the temp dir so no stray ./config.yaml is picked up (CFG-3).
  const env = { ...process.env, XDG_CONFIG_HOME: o.workDir, ...(o.smdUrl === undefined ? {} : { SMD_URL: o.smdUrl }) }
  const spawnedAt = Date.now()
  const child = spawn(...pinned('target', process.execPath, args), { cwd: o.workDir, env, stdio: ['ignore', log, log] })
  closeSync(log)
  const url = `http://127.0.0.1:${port}`
  let exited = false
  child.once('exit', () => (exited = true))
  const deadline = spawnedAt + (o.readyTimeoutMs ?? 300_000)
  let listeningAt = 0
  for (;;) {
    if (exited) throw new Error(`the server exited during startup; log tail:\n${tail(logFile)}`)
    if (Date.now() > deadline) {
      await stopChild(child, 5000)
      throw new Error(`the server was not healthy within ${(o.readyTimeoutMs ?? 300_000) / 1000} s; log tail:\n${tail(logFile)}`)
    }
    const status = await fetch(`${url}/health`).then(
      (r) => r.arrayBuffer().then(() => r.status),
      () => 0,
    )
    if (status !== 0 && listeningAt === 0) listeningAt = Date.now()
    if (status === 200) break
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return {
    pid: child.pid ?? 0,
    port,
    url,
    logFile,
    spawnedAt,
    listeningAt,
    healthyAt: Date.now(),
    healthyAtUs: Number(process.hrtime.bigint() / 1000n),
    stop: () => stopChild(child, 40_000),
  }
}

/**
 * The last `lines` lines of a file ("" if unreadable).
 * @param {string} file
 * @param {number} [lines]
 */
export function tail(file, lines = 20) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return ''
  }
}

/**
 * Size of the server log in bytes (0 if missing).
 * @param {string} file
 */
export function logBytes(file) {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

/**
 * Numeric samples of the Prometheus text at `<url>/metrics` (SVC-4) whose name contains `fragment`, keyed by the
 * full sample name with labels. Empty when /metrics is absent.
 * @param {string} url
 * @param {string} fragment
 * @returns {Promise<Record<string, number>>}
 */
export async function scrapeMetrics(url, fragment) {
  const text = await fetch(`${url}/metrics`).then(
    (r) => (r.ok ? r.text() : ''),
    () => '',
  )
  /** @type {Record<string, number>} */
  const out = {}
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.includes(fragment)) continue
    const space = line.lastIndexOf(' ')
    const value = Number(line.slice(space + 1))
    if (Number.isFinite(value)) out[line.slice(0, space)] = value
  }
  return out
}
