import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

// `serve` as the built executable in a child process: what an operator runs, and the only way to SIGKILL a server
// mid-write (STO-2, STO-5). `npm test` builds first; a checkout without dist/ is built here once.

const REPO = fileURLToPath(new URL('../../../../', import.meta.url))
const BIN = join(REPO, 'packages/cli/bin/metadata-service.js')

/** Builds the workspace when the executable's bundle is missing (CI builds before testing). */
export function ensureBuilt(): void {
  if (!existsSync(join(REPO, 'packages/cli/dist/index.js'))) {
    execFileSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: REPO, stdio: 'ignore' })
  }
}

/** A `serve` child process. */
export interface BuiltServer {
  readonly child: ChildProcess
  /** The bound port, from the `listening` log line. */
  readonly port: number
  /** The JSON log lines printed so far. */
  logs(): Record<string, unknown>[]
  /** Everything printed to stderr so far. */
  stderr(): string
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  readonly exited: Promise<number | string>
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<number | string>
}

/**
 * Runs `metadata-service serve --port 0 --data-dir <dataDir> <args>` with a clean environment (no caller
 * METADATA_SERVICE_*, SMD_* or TOKENSMITH_*; `env` adds to it) and resolves once it logs `listening`; rejects if it
 * exits first. `wrap` prefixes the command line, e.g. to run it in a network namespace.
 */
export async function spawnServe(
  dataDir: string,
  args: readonly string[],
  options: { env?: Record<string, string>; wrap?: (argv: string[]) => string[] } = {},
): Promise<BuiltServer> {
  const argv = [process.execPath, BIN, 'serve', '--port', '0', '--data-dir', dataDir, ...args]
  const [command, ...rest] = options.wrap?.(argv) ?? argv
  const child = spawn(command as string, rest, {
    env: { PATH: process.env.PATH, HOME: dataDir, LANG: 'C.UTF-8', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')))
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')))
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)))
  const logs = () =>
    out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)

  let gone = false
  void exited.then(() => (gone = true))
  for (let i = 0; i < 400; i++) {
    const line = logs().find((l) => l.msg === 'listening')
    if (line !== undefined) {
      return {
        child,
        port: line.port as number,
        logs,
        stderr: () => err,
        exited,
        stop: () => {
          if (!gone) child.kill('SIGTERM')
          return exited
        },
      }
    }
    if (gone) throw new Error(`serve exited before listening:\n${out}\n${err}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  child.kill('SIGKILL')
  throw new Error(`serve did not start:\n${out}\n${err}`)
}
