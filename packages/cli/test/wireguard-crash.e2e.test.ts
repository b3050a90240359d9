import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { deviceExists, loggedLine, spawnServe, type SpawnedServe } from './spawned-serve.js'

// A server killed outright (OOM killer, `kill -9`) must not leave its wireguard-go behind: the orphan would hold the
// interface, and the restarted server would run without WireGuard (WG-1, WG-2, OPS-1).

let dir: string
const children: SpawnedServe[] = []
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

function serve(args: readonly string[]): SpawnedServe {
  const served = spawnServe(['--mock-smd', '--port', '0', '--host', '127.0.0.1', '--data-dir', join(dir, 'data'), ...args], { HOME: dir })
  children.push(served)
  return served
}

const listeningLine = (served: SpawnedServe) => loggedLine(served, 'listening', { timeoutMs: 10_000 })

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
