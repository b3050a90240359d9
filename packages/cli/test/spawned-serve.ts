import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The built executable (npm test builds it first), for tests that need `serve` as a process of its own. */
export const BIN = fileURLToPath(new URL('../bin/metadata-service.js', import.meta.url))

/** A `serve` process and what it printed. */
export interface SpawnedServe {
  readonly child: ChildProcess
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string
  /** The JSON log lines so far. */
  lines(): Record<string, unknown>[]
}

/**
 * Runs `metadata-service serve <args>` as a child process with only `env` (plus PATH) in its environment, for what
 * in-process tests cannot show: node:cluster workers, SIGKILL, several replicas.
 */
export function spawnServe(args: readonly string[], env: Readonly<Record<string, string>>): SpawnedServe {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')))
  child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')))
  return {
    child,
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    output: () => out,
    lines: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  }
}

/**
 * Resolves with the `times`-th log line whose `msg` is `msg`; throws with the output when the process exits first
 * or `timeoutMs` (default 15 s) pass.
 */
export async function loggedLine(served: SpawnedServe, msg: string, options: { times?: number; timeoutMs?: number } = {}): Promise<Record<string, unknown>> {
  const times = options.times ?? 1
  const deadline = Date.now() + (options.timeoutMs ?? 15_000)
  for (;;) {
    const found = served.lines().filter((l) => l.msg === msg)
    if (found.length >= times) return found[times - 1] as Record<string, unknown>
    if (served.child.exitCode !== null || Date.now() > deadline) break
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`no "${msg}" line:\n${served.output()}`)
}

/** True while the network interface `iface` exists (`ip link show`). */
export function deviceExists(iface: string): boolean {
  try {
    execFileSync('ip', ['link', 'show', iface], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
