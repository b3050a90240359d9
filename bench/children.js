// Child processes of the benchmark: helpers that announce their port on stdout (fake SMD, baseline), free ports,
// and a clean stop.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { pinned } from './pin.js'

/**
 * @typedef {object} Child
 * @property {import('node:child_process').ChildProcess} process
 * @property {number} pid
 * @property {number} port
 * @property {() => Promise<number | string | null>} stop  SIGTERM, then SIGKILL after 5 s; exit code or signal
 */

/**
 * Starts `node <script> ...args` and waits for its first stdout line `{"port":<p>}` (up to `timeoutMs`, default
 * 120 s: the fake SMD serialises 100k nodes first).
 * @param {string} script  absolute path
 * @param {string[]} args
 * @param {number} [timeoutMs]
 * @param {'target' | 'client'} [role]  with `--pin`, the CPUs it runs on (bench/pin.js); absent: never pinned
 * @returns {Promise<Child>}
 */
export async function startPortChild(script, args, timeoutMs = 120_000, role = undefined) {
  const [command, argv] = role === undefined ? [process.execPath, [script, ...args]] : pinned(role, process.execPath, [script, ...args])
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise((resolve, reject) => {
    let buffered = ''
    const timer = setTimeout(() => reject(new Error(`${script} did not start within ${timeoutMs} ms`)), timeoutMs)
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before listening`)))
    child.stdout.on('data', (d) => {
      buffered += d
      const newline = buffered.indexOf('\n')
      if (newline < 0) return
      clearTimeout(timer)
      resolve(JSON.parse(buffered.slice(0, newline)).port)
    })
  })
  child.stdout.resume()
  return { process: child, pid: child.pid ?? 0, port, stop: () => stopChild(child, 5000) }
}

/**
 * Sends SIGTERM and waits for the exit; SIGKILL after `graceMs`. Resolves with the exit code, or the signal name
 * when the process died of one.
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} graceMs
 * @returns {Promise<number | string | null>}
 */
export function stopChild(child, graceMs) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode)
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      resolve(code ?? signal)
    })
    child.kill('SIGTERM')
  })
}

/**
 * A TCP port free on 127.0.0.1 right now (bound and released; a tiny race is acceptable here).
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
