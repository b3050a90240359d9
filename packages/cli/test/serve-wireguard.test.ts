import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { listening, startServe, type Running } from './serve-helpers.js'
import { deviceExists } from './spawned-serve.js'

// `serve --wireguard-server` wired end to end on a real wireguard-go device (WG-1..WG-10, OPS-1): the mock node
// bootstraps a peer, it is reconciled onto the device, phone-home removes it, and shutdown takes the device down.
// The device logic itself is tested in adapter-wireguard and core; this checks the composition.

const KEY = '8du8A89mlo7m1r8q4ScfGn6Af8Vx8gfX3E2qhW2C5VQ='
const XFF = { 'X-Forwarded-For': '10.252.0.26' }

let dir: string
let running: Running | undefined
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mds-serve-wg-'))
})
afterEach(async () => {
  running?.signal('SIGTERM')
  await running?.exit
  running = undefined
  await rm(dir, { recursive: true, force: true })
})

async function post(port: number, path: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: XFF, body })
  return { status: res.status, text: await res.text() }
}


describe('serve with WireGuard', () => {
  it('bootstraps, reconciles and removes a peer on a real device, and takes the device down on shutdown (AT-36, AT-39)', async () => {
    const iface = `mdscli${randomBytes(2).toString('hex')}`
    const octet = 100 + randomBytes(1)[0]! % 100
    running = startServe(dir, ['--mock-smd', '--wireguard-server', `100.126.${octet}.1/24`, '--wireguard-interface', iface])
    const port = await listening(running)
    expect(running.logs().find((l) => l.msg === 'listening')).toMatchObject({ wireguard: true })
    expect(deviceExists(iface)).toBe(true)
    expect(statSync(join(dir, 'data', 'wireguard', 'server.key')).mode & 0o777).toBe(0o600)

    const first = await post(port, '/wg-init', JSON.stringify({ public_key: KEY }))
    const second = await post(port, '/wg-init', JSON.stringify({ public_key: KEY }))
    expect([first.status, second.status]).toEqual([202, 202])
    const accepted = JSON.parse(first.text) as Record<string, string>
    expect(JSON.parse(second.text)).toEqual(accepted)
    expect(accepted).toMatchObject({
      message: 'WireGuard peer allocation accepted',
      'client-vpn-ip': `100.126.${octet}.2`,
      'server-ip': `100.126.${octet}.1`,
      'server-port': '51820',
    })
    const uid = accepted['peer-uid'] as string

    let peer: { metadata: { name: string }; spec: { allowed_ip: string }; status: { phase?: string } } | undefined
    for (let i = 0; i < 100 && peer?.status.phase !== 'Ready'; i++) {
      peer = (await (await fetch(`http://127.0.0.1:${port}/wireguardpeers/${uid}`)).json()) as typeof peer
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(peer).toMatchObject({ metadata: { name: 'x1000c0s0b0n0' }, spec: { allowed_ip: `100.126.${octet}.2/32` }, status: { phase: 'Ready' } })
    expect(execFileSync('wg', ['show', iface, 'allowed-ips'], { encoding: 'utf8' })).toContain(`100.126.${octet}.2/32`)

    // SPEC §16: another node may not release it (403, nothing changes); the node itself may.
    const other = await fetch(`http://127.0.0.1:${port}/phone-home/${uid}`, { method: 'POST', headers: { 'X-Forwarded-For': '10.252.0.27' } })
    expect(other.status).toBe(403)
    expect((await fetch(`http://127.0.0.1:${port}/wireguardpeers/${uid}`)).status).toBe(200)
    expect(await post(port, `/phone-home/${uid}`, '')).toEqual({ status: 200, text: '' })
    expect((await fetch(`http://127.0.0.1:${port}/wireguardpeers/${uid}`)).status).toBe(404)

    running.signal('SIGTERM')
    expect(await running.exit).toBe(0)
    running = undefined
    expect(deviceExists(iface)).toBe(false)
  }, 60_000)

  it('runs without WireGuard, answering 503, when the value is invalid or the device cannot start (WG-1)', async () => {
    running = startServe(dir, ['--mock-smd', '--wireguard-server', '100.97.0.1/33'])
    let port = await listening(running)
    expect(await post(port, '/wg-init', JSON.stringify({ public_key: KEY }))).toEqual({ status: 503, text: 'wireguard disabled\n' })
    expect(running.logs().some((l) => l.level === 50 && String(l.msg).startsWith('Invalid WIREGUARD_SERVER value: '))).toBe(true)
    running.signal('SIGTERM')
    await running.exit

    running = startServe(dir, ['--mock-smd', '--wireguard-server', '100.97.0.1/16', '--wireguard-go-path', join(dir, 'no-such-binary')])
    port = await listening(running)
    expect(running.logs().find((l) => l.msg === 'listening')).toMatchObject({ wireguard: false })
    expect(await post(port, '/phone-home/x', '')).toEqual({ status: 503, text: 'wireguard disabled\n' })
    expect(running.logs().some((l) => l.level === 50 && String(l.msg).startsWith('Failed to initialize WireGuard controller: '))).toBe(true)
    expect(existsSync(join(dir, 'data', 'metadata-service.lock'))).toBe(true)
  })
})
