import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import type { Logger } from '@metadata-service/core'

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
 */
export function spawnDevice(path: string, iface: string, logger: Logger): DeviceProcess {
  const child = spawn(path, ['-f', iface], { stdio: ['ignore', 'pipe', 'pipe'] })
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
