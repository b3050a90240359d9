import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes, randomInt } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { generateWireGuardKeyPair, type WireGuardKeyPair } from '@metadata-service/core'

/**
 * A WireGuard peer in its own network namespace, for tests against a real wireguard-go: the namespace reaches the
 * root namespace over a veth pair on 10.231.<x>.0/30 (root .1, namespace .2) and tunnels 10.232.<x>.0/24, <x> being
 * a subnet no interface uses yet. Every name carries a random suffix, so parallel runs and leftovers never clash.
 */

const exec = promisify(execFile)
/** Runs a command without a shell and resolves with its stdout; rejects on a non-zero exit. */
export const sh = async (command: string, ...args: string[]) => (await exec(command, args, { timeout: 15_000 })).stdout

/** Where wireguard-go puts its UAPI sockets. */
export const SOCKET_DIR = '/var/run/wireguard'

/** Fails (never skips) with what is missing: root, /dev/net/tun, wireguard-go, wg, ip, ping. */
export async function requireDeviceTools(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the real WireGuard device tests must run as root (CAP_NET_ADMIN)')
  if (!existsSync('/dev/net/tun')) throw new Error('/dev/net/tun is missing: the real WireGuard device tests need it')
  const tools = [['wireguard-go', '--version'], ['wg', '--version'], ['ip', '-V'], ['ping', '-V']] as const
  for (const [tool, flag] of tools) {
    await exec(tool, [flag]).catch((err: Error) => {
      throw new Error(`${tool} is required by the real WireGuard device tests (CI installs it): ${err.message}`)
    })
  }
}

/** Polls `check` every 100 ms, up to 10 s. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** See the module comment. */
export interface PeerNamespace {
  /** A fresh interface name for the server device in the root namespace. */
  readonly serverInterface: string
  /** `10.231.<x>.<host>`: host 1 is the root side of the veth pair, 2 the namespace side. */
  underlay(host: number): string
  /** `10.232.<x>.<host>`: the tunnel network. */
  overlay(host: number): string
  /** The peer's key pair. */
  readonly keys: WireGuardKeyPair
  /** (Re)configures the peer: its tunnel address, and the server it talks to at `underlay(1):port`. */
  connect(server: { publicKey: string; port: number; tunnelIp: string; peerAddress: string }): Promise<void>
  /** One ping from the namespace to `ip`; true when answered. */
  ping(ip: string): Promise<boolean>
  /** Removes the namespace, the veth pair, the peer device and the server interface; never rejects. */
  destroy(): Promise<void>
}

/** Creates the namespace, the veth pair and a peer wireguard-go inside. Call {@link requireDeviceTools} first. */
export async function createPeerNamespace(): Promise<PeerNamespace> {
  const id = randomBytes(3).toString('hex')
  const names = { server: `wgt${id}`, peer: `wgp${id}`, ns: `mdswg${id}`, hostVeth: `vh${id}`, nsVeth: `vp${id}` }
  const octet = await freeOctet()
  const underlay = (host: number) => `10.231.${octet}.${host}`
  const overlay = (host: number) => `10.232.${octet}.${host}`
  const keys = generateWireGuardKeyPair()
  const workDir = await mkdtemp(join(tmpdir(), 'mds-wgns-'))
  let device: ChildProcess | undefined
  let address: string | undefined

  const destroy = async () => {
    const quietly = (work: Promise<unknown>) => work.catch(() => undefined)
    if (device && device.exitCode === null && device.signalCode === null) {
      const gone = new Promise((resolve) => device?.once('exit', resolve))
      device.kill('SIGTERM')
      await gone
    }
    await quietly(sh('ip', 'netns', 'del', names.ns))
    await quietly(sh('ip', 'link', 'del', names.hostVeth))
    await quietly(sh('ip', 'link', 'del', names.server))
    for (const iface of [names.server, names.peer]) await rm(join(SOCKET_DIR, `${iface}.sock`), { force: true })
    await rm(workDir, { recursive: true, force: true })
  }

  try {
    await sh('ip', 'netns', 'add', names.ns)
    await sh('ip', 'link', 'add', names.hostVeth, 'type', 'veth', 'peer', 'name', names.nsVeth, 'netns', names.ns)
    await sh('ip', 'address', 'add', `${underlay(1)}/30`, 'dev', names.hostVeth)
    await sh('ip', 'link', 'set', names.hostVeth, 'up')
    await sh('ip', '-n', names.ns, 'address', 'add', `${underlay(2)}/30`, 'dev', names.nsVeth)
    await sh('ip', '-n', names.ns, 'link', 'set', names.nsVeth, 'up')
    await sh('ip', '-n', names.ns, 'link', 'set', 'lo', 'up')
    device = spawn('ip', ['netns', 'exec', names.ns, 'wireguard-go', '-f', names.peer], { stdio: 'ignore' })
    await waitFor(() => existsSync(join(SOCKET_DIR, `${names.peer}.sock`)), 'the peer wireguard-go socket')
    const keyFile = join(workDir, 'peer.key')
    await writeFile(keyFile, keys.privateKey, { mode: 0o600 })
    await sh('ip', 'netns', 'exec', names.ns, 'wg', 'set', names.peer, 'private-key', keyFile)
    await sh('ip', '-n', names.ns, 'link', 'set', names.peer, 'up')
  } catch (err) {
    await destroy()
    throw err
  }

  const wg = (...args: string[]) => sh('ip', 'netns', 'exec', names.ns, 'wg', 'set', names.peer, ...args)
  return {
    serverInterface: names.server,
    underlay,
    overlay,
    keys,
    async connect(server) {
      // Drop every earlier session so the next packet needs a fresh handshake.
      const current = await sh('ip', 'netns', 'exec', names.ns, 'wg', 'show', names.peer, 'peers')
      for (const key of current.split('\n').filter((k) => k !== '')) await wg('peer', key, 'remove')
      await wg('peer', server.publicKey, 'endpoint', `${underlay(1)}:${server.port}`, 'allowed-ips', `${server.tunnelIp}/32`)
      if (address !== server.peerAddress) {
        if (address !== undefined) await sh('ip', '-n', names.ns, 'address', 'del', address, 'dev', names.peer)
        await sh('ip', '-n', names.ns, 'address', 'add', server.peerAddress, 'dev', names.peer)
        address = server.peerAddress
      }
    },
    ping: (ip) =>
      sh('ip', 'netns', 'exec', names.ns, 'ping', '-c1', '-W1', ip).then(
        () => true,
        () => false,
      ),
    destroy,
  }
}

// --- internal ---

async function freeOctet(): Promise<number> {
  const inUse = await sh('ip', '-o', 'addr')
  for (let tries = 0; tries < 50; tries++) {
    const octet = randomInt(0, 256)
    if (!inUse.includes(`10.231.${octet}.`) && !inUse.includes(`10.232.${octet}.`)) return octet
  }
  throw new Error('no free 10.231.x/10.232.x test subnet')
}
