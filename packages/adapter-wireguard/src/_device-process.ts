import { spawn } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import type { Logger } from '@metadata-service/core'

/** `setpriv` on the PATH, looked up once; undefined when absent. */
const SETPRIV = (() => {
  let found: string | undefined | null = null
  return (): string | undefined => {
    if (found === null) found = onPath('setpriv')
    return found
  }
})()

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && executable(join(dir, command))) return join(dir, command)
  }
  return undefined
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** Lines of wireguard-go output kept for error messages. */
const KEPT_LINES = 5

/** A running `wireguard-go -f <iface>` child (WG-2). */
export interface DeviceProcess {
  /** Resolves with a description of how the child ended (`exited with code 1`, `killed by SIGKILL`, spawn error). */
  readonly exited: Promise<string>
  hasExited(): boolean
  /** The last few output lines, joined with ` | `, for error messages. */
  recentOutput(): string
  /** SIGTERM, then SIGKILL after `graceMs` milliseconds; resolves once the child is gone. */
  kill(graceMs: number): Promise<void>
}

/**
 * Spawns `<path> -f <iface>` (no shell). Its stdout and stderr go to the log line by line: `ERROR:` lines as warn,
 * the "kernel module" banner as debug, the rest as info. Never rejects; a spawn failure shows up in `exited`.
 *
 * Where util-linux `setpriv` is installed (every Debian system), the device runs under `setpriv --pdeathsig TERM`,
 * so it ends with this process even when this process is SIGKILLed (OOM killer, `kill -9`): otherwise the orphaned
 * device would keep the interface and the next start would run without WireGuard (WG-1).
 */
export function spawnDevice(path: string, iface: string, logger: Logger): DeviceProcess {
  const setpriv = SETPRIV()
  // A missing binary is spawned as is, so its error reads as before (`spawn <path> ENOENT`), not as setpriv's.
  const binary = path.includes('/') ? (executable(path) ? path : undefined) : onPath(path)
  const child =
    setpriv === undefined || binary === undefined
      ? spawn(path, ['-f', iface], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(setpriv, ['--pdeathsig', 'TERM', '--', binary, '-f', iface], { stdio: ['ignore', 'pipe', 'pipe'] })
  const recent: string[] = []
  let done = false
  const exited = new Promise<string>((resolve) => {
    const end = (reason: string) => {
      if (done) return
      done = true
      resolve(reason)
    }
    child.once('error', (err) => end(`failed to run ${path}: ${err.message}`))
    child.once('exit', (code, signal) => end(signal === null ? `exited with code ${code}` : `killed by ${signal}`))
  })
  const log = logger.child({ component: 'wireguard-go', interface: iface })
  const follow = (stream: Readable) => {
    createInterface({ input: stream }).on('line', (line) => {
      const text = line.trim()
      if (text === '') return
      if (/^[┌│└]/.test(text)) {
        log.debug(text)
        return
      }
      recent.push(text)
      if (recent.length > KEPT_LINES) recent.shift()
      if (text.startsWith('ERROR')) log.warn(text)
      else log.info(text)
    })
  }
  follow(child.stdout)
  follow(child.stderr)

  return {
    exited,
    hasExited: () => done,
    recentOutput: () => recent.join(' | '),
    async kill(graceMs) {
      if (done) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    },
  }
}
