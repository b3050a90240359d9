import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes, randomInt } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { generateWireGuardKeyPair, type Tunnel } from '@metadata-service/core'
import { createRecordingLogger } from '@metadata-service/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWireGuardTunnel } from '../src/index.js'

/**
 * WG-2 against a real wireguard-go: the server device in the root namespace (driven by the adapter), a peer device
 * in a fresh network namespace (driven by `wg`), joined by a veth pair on private test addresses this test creates
 * and removes. Requires root, /dev/net/tun, iproute2, ping, wireguard-go and wg; CI installs them. Missing tools
 * FAIL the suite on purpose: a skipped device test would hide a broken adapter.
 */

const exec = promisify(execFile)
const sh = async (command: string, ...args: string[]) => (await exec(command, args, { timeout: 15_000 })).stdout

const id = randomBytes(3).toString('hex')
const names = { server: `wgt${id}`, peer: `wgp${id}`, ns: `mdswg${id}`, hostVeth: `vh${id}`, nsVeth: `vp${id}` }
const socketDir = '/var/run/wireguard'
let octet = 0
const underlay = (host: number) => `10.231.${octet}.${host}`
const overlay = (host: number) => `10.232.${octet}.${host}`
const serverPort = randomInt(40_000, 50_000)
const serverKeys = generateWireGuardKeyPair()
const peerKeys = generateWireGuardKeyPair()
const logger = createRecordingLogger()

let workDir: string | undefined
let peerDevice: ChildProcess | undefined
let tunnel: Tunnel | undefined
const exits: string[] = []

/** Fails (never skips) with what is missing. */
async function requireTools() {
  if (process.getuid?.() !== 0) throw new Error('the real WireGuard device test must run as root (CAP_NET_ADMIN)')
  if (!existsSync('/dev/net/tun')) throw new Error('/dev/net/tun is missing: the real WireGuard device test needs it')
  for (const [tool, args] of [['wireguard-go', ['--version']], ['wg', ['--version']], ['ip', ['-V']], ['ping', ['-V']]] as const) {
    await exec(tool, [...args]).catch((err: Error) => {
      throw new Error(`${tool} is required by the real WireGuard device test (CI installs it): ${err.message}`)
    })
  }
}

/** A /24 pair (10.231.x, 10.232.x) that no interface uses yet. */
async function pickFreeOctet() {
  const inUse = await sh('ip', '-o', 'addr')
  for (let tries = 0; tries < 50; tries++) {
    octet = randomInt(0, 256)
    if (!inUse.includes(`10.231.${octet}.`) && !inUse.includes(`10.232.${octet}.`)) return
  }
  throw new Error('no free 10.231.x/10.232.x test subnet')
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string) {
  for (let i = 0; i < 100; i++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** One ping from the peer namespace to the server's tunnel IP; true when it was answered. */
const pingServer = () =>
  sh('ip', 'netns', 'exec', names.ns, 'ping', '-c1', '-W1', overlay(1)).then(
    () => true,
    () => false,
  )

async function setUpPeerNamespace() {
  workDir = await mkdtemp(join(tmpdir(), 'mds-wgreal-'))
  await sh('ip', 'netns', 'add', names.ns)
  await sh('ip', 'link', 'add', names.hostVeth, 'type', 'veth', 'peer', 'name', names.nsVeth, 'netns', names.ns)
  await sh('ip', 'address', 'add', `${underlay(1)}/30`, 'dev', names.hostVeth)
  await sh('ip', 'link', 'set', names.hostVeth, 'up')
  await sh('ip', '-n', names.ns, 'address', 'add', `${underlay(2)}/30`, 'dev', names.nsVeth)
  await sh('ip', '-n', names.ns, 'link', 'set', names.nsVeth, 'up')
  await sh('ip', '-n', names.ns, 'link', 'set', 'lo', 'up')

  peerDevice = spawn('ip', ['netns', 'exec', names.ns, 'wireguard-go', '-f', names.peer], { stdio: 'ignore' })
  await waitFor(() => existsSync(join(socketDir, `${names.peer}.sock`)), 'the peer wireguard-go socket')
  const keyFile = join(workDir, 'peer.key')
  await writeFile(keyFile, peerKeys.privateKey, { mode: 0o600 })
  await sh('ip', 'netns', 'exec', names.ns, 'wg', 'set', names.peer, 'private-key', keyFile,
    'peer', serverKeys.publicKey, 'endpoint', `${underlay(1)}:${serverPort}`, 'allowed-ips', `${overlay(1)}/32`)
  await sh('ip', '-n', names.ns, 'address', 'add', `${overlay(2)}/24`, 'dev', names.peer)
  await sh('ip', '-n', names.ns, 'link', 'set', names.peer, 'up')
}

beforeAll(async () => {
  await requireTools()
  await pickFreeOctet()
  await setUpPeerNamespace()
  tunnel = createWireGuardTunnel({ interfaceName: names.server, logger })
  tunnel.onExit((reason) => exits.push(reason))
  await tunnel.start({ privateKey: serverKeys.privateKey, listenPort: serverPort, address: `${overlay(1)}/24` })
}, 60_000)

afterAll(async () => {
  // Everything here is ours (unique names); each step runs even when an earlier one failed.
  const quietly = (work: Promise<unknown>) => work.catch(() => undefined)
  await quietly(tunnel?.stop() ?? Promise.resolve())
  if (peerDevice && peerDevice.exitCode === null) {
    const gone = new Promise((resolve) => peerDevice?.once('exit', resolve))
    peerDevice.kill('SIGTERM')
    await gone
  }
  await quietly(sh('ip', 'netns', 'del', names.ns))
  await quietly(sh('ip', 'link', 'del', names.hostVeth))
  await quietly(sh('ip', 'link', 'del', names.server))
  for (const iface of [names.server, names.peer]) await rm(join(socketDir, `${iface}.sock`), { force: true })
  if (workDir) await rm(workDir, { recursive: true, force: true })
}, 60_000)

describe('createWireGuardTunnel on a real wireguard-go (WG-2)', () => {
  it('brings the interface up with the server address', async () => {
    const link = await sh('ip', '-o', 'address', 'show', 'dev', names.server)
    expect(link).toContain(`inet ${overlay(1)}/24`)
    expect(await sh('ip', '-o', 'link', 'show', 'dev', names.server)).toMatch(/[<,]UP[,>]/)
    expect(await tunnel?.peers()).toEqual([])
  })

  it('carries traffic for an upserted peer and reports its handshake', async () => {
    await tunnel?.upsertPeer(peerKeys.publicKey, `${overlay(2)}/32`)
    await waitFor(pingServer, 'a ping through the tunnel')
    const [peer, ...others] = (await tunnel?.peers()) ?? []
    expect(others).toEqual([])
    expect(peer?.publicKey).toBe(peerKeys.publicKey)
    expect(peer?.allowedIps).toEqual([`${overlay(2)}/32`])
    expect(peer?.lastHandshakeAt).toBeGreaterThan(0)
  })

  it('stops carrying traffic once the peer is removed', async () => {
    await tunnel?.removePeer(peerKeys.publicKey)
    expect(await tunnel?.peers()).toEqual([])
    // The server no longer knows the peer's key, so its handshakes and packets are dropped.
    await sh('ip', 'netns', 'exec', names.ns, 'wg', 'set', names.peer, 'peer', serverKeys.publicKey, 'remove')
    await sh('ip', 'netns', 'exec', names.ns, 'wg', 'set', names.peer,
      'peer', serverKeys.publicKey, 'endpoint', `${underlay(1)}:${serverPort}`, 'allowed-ips', `${overlay(1)}/32`)
    expect(await pingServer()).toBe(false)
    expect(await pingServer()).toBe(false)
    // Removing an absent peer is fine (WG-8: "not found" is ignored).
    await expect(tunnel?.removePeer(peerKeys.publicKey)).resolves.toBeUndefined()
  })

  it('reports the device dying (its interface deleted) and refuses later calls', async () => {
    expect(exits).toEqual([])
    await sh('ip', 'link', 'del', names.server)
    await waitFor(() => exits.length > 0, 'the exit listener')
    expect(exits[0]).toMatch(/^wireguard-go (exited with code \d+|killed by SIG\w+)$/)
    await expect(tunnel?.peers()).rejects.toMatchObject({ code: 'TUNNEL_UNAVAILABLE' })
  })
})
