import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../src/main.js'
import { fakeIo, type FakeIo } from './helpers.js'

/** A `serve` running in-process. */
export interface Running {
  io: FakeIo
  exit: Promise<number>
  signal: (name: string) => void
  logs: () => Record<string, unknown>[]
}

/** Runs `serve --port 0 --host 127.0.0.1 --data-dir <dir>/data <argv>` in-process; `signal` plays SIGINT/SIGTERM. */
export function startServe(dir: string, argv: string[], env: Record<string, string> = {}, files: Record<string, string> = {}): Running {
  let handler: ((signal: string) => void) | undefined
  const io = { ...fakeIo({ env, files }) }
  io.onShutdownSignal = (h) => {
    handler = h
    return () => (handler = undefined)
  }
  const exit = runCli(['serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', join(dir, 'data'), ...argv], io)
  return {
    io,
    exit,
    signal: (name) => handler?.(name),
    logs: () => io.stdoutText().trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>),
  }
}

/** Resolves with the bound port once `listening` is logged; rejects if serve exits first. */
export async function listening(run: Running): Promise<number> {
  for (let i = 0; i < 400; i++) {
    const line = run.logs().find((l) => l.msg === 'listening')
    if (line !== undefined) return line.port as number
    const done = await Promise.race([run.exit.then(() => true), new Promise((r) => setTimeout(() => r(false), 25))])
    if (done) throw new Error(`serve exited: ${run.io.stderrText()}`)
  }
  throw new Error('serve did not start')
}

/** The one node the fake-SMD `serve` tests put in SMD (boot IP 10.0.0.100). */
export const SMD_TEST_NODE = {
  xname: 'x3000c0s1b0n0',
  nid: 7,
  groups: ['compute'],
  interfaces: [{ mac: 'aa:bb:cc:00:00:01', ips: [{ ip: '10.0.0.100', network: 'HMN' }] }],
}

/**
 * `serve --mock-smd` on a fresh temp data dir, for client tests: its base URL, and `stop` (SIGTERM, wait, remove
 * the dir).
 */
export async function startMockServer(prefix: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  const running = startServe(dir, ['--mock-smd'])
  const url = `http://127.0.0.1:${await listening(running)}`
  return {
    url,
    stop: async () => {
      running.signal('SIGTERM')
      await running.exit
      await rm(dir, { recursive: true, force: true })
    },
  }
}
