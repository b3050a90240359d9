import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

// A server killed outright (OOM killer, `kill -9`) must not leave its wireguard-go behind: the orphan would hold the
// interface, and the restarted server would run without WireGuard (WG-1, WG-2, OPS-1).

const BIN = fileURLToPath(new URL('../bin/metadata-service.js', import.meta.url))

interface Served {
  readonly child: ChildProcess
  readonly exited: Promise<void>
  output(): string
}

let dir: string
const children: Served[] = []
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mds-wg-crash-'))
})
afterEach(async () => {
  for (const served of children.splice(0)) {
    if (served.child.exitCode === null && served.child.signalCode === null) served.child.kill('SIGTERM')
    await served.exited
  }
  await rm(dir, { recursive: true, force: true })
})

function serve(args: readonly string[]): Served {
  const child = spawn(process.execPath, [BIN, 'serve', '--mock-smd', '--port', '0', '--host', '127.0.0.1', '--data-dir', join(dir, 'data'), ...args], {
    env: { PATH: process.env.PATH, HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')))
  child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')))
  const served = { child, exited: new Promise<void>((resolve) => child.once('exit', () => resolve())), output: () => out }
  children.push(served)
  return served
}

async function listeningLine(served: Served): Promise<Record<string, unknown>> {
  for (let i = 0; i < 400; i++) {
    const line = served.output().split('\n').find((l) => l.includes('"msg":"listening"'))
    if (line !== undefined) return JSON.parse(line) as Record<string, unknown>
    if (served.child.exitCode !== null) break
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`no listening line:\n${served.output()}`)
}

function deviceExists(iface: string): boolean {
  try {
    execFileSync('ip', ['link', 'show', iface], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

describe('WireGuard after the server is SIGKILLed', () => {
  it('takes the device down with the server, so a restart gets WireGuard again', { timeout: 60_000 }, async () => {
    const iface = `mdskill${randomBytes(2).toString('hex')}`
    const args = ['--wireguard-server', `100.125.${100 + (randomBytes(1)[0]! % 100)}.1/24`, '--wireguard-interface', iface]
    const first = serve(args)
    expect(await listeningLine(first)).toMatchObject({ wireguard: true })
    expect(deviceExists(iface)).toBe(true)

    first.child.kill('SIGKILL')
    await first.exited
    for (let i = 0; i < 200 && deviceExists(iface); i++) await new Promise((r) => setTimeout(r, 25))
    expect(deviceExists(iface)).toBe(false)

    const second = serve(args)
    expect(await listeningLine(second)).toMatchObject({ wireguard: true })
    expect(deviceExists(iface)).toBe(true)
    second.child.kill('SIGTERM')
    await second.exited
    expect(deviceExists(iface)).toBe(false)
  })
})
