import { execFileSync, type ChildProcess } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLab, NODE_IP, requireLabTools, SERVER_LINK_IP, stopChild, waitFor, type Lab } from './_wireguard-lab.js'

// WireGuard bootstrap end to end (SPEC §7; AT-36, AT-37, AT-39, AT-40): the built executable with --wireguard-server
// and --wireguard-only in one network namespace, a node with its own wireguard-go in another. Missing tools FAIL this
// file, never skip it: CI runs it as root with wireguard-go, wireguard-tools, iproute2 and curl installed.

const REPO = fileURLToPath(new URL('../../../', import.meta.url))
const BIN = join(REPO, 'packages/cli/bin/metadata-service.js')
const N0 = 'x1000c0s0b0n0'
const TUNNEL_SERVER = '100.97.0.1'
const port = randomInt(20_000, 30_000)
const udpPort = randomInt(40_000, 50_000)
const link = (path: string) => `http://${SERVER_LINK_IP}:${port}${path}`
const tunnel = (path: string) => `http://${TUNNEL_SERVER}:${port}${path}`
const loopback = (path: string) => `http://127.0.0.1:${port}${path}`

let lab: Lab | undefined
let dir = ''
let server: { child: ChildProcess; out: () => string } | undefined
const ns = () => lab as Lab

function startServer(): { child: ChildProcess; out: () => string } {
  const dataDir = join(dir, 'data')
  const args = [BIN, 'serve', '--mock-smd', '--host', '0.0.0.0', '--port', String(port), '--data-dir', dataDir]
  args.push('--wireguard-server', `${TUNNEL_SERVER}/16`, '--wireguard-only', '--wireguard-interface', ns().serverWg)
  args.push('--wireguard-listen-port', String(udpPort))
  const child = ns().spawnIn(ns().srv, process.execPath, args, { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, LANG: 'C.UTF-8' } })
  let out = ''
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
  return { child, out: () => out }
}

async function startHealthy() {
  server = startServer()
  const running = server
  await waitFor(async () => {
    if (running.child.exitCode !== null) throw new Error(`serve exited early:\n${running.out()}`)
    return (await ns().curl(ns().srv, loopback('/health'))).status === 200
  }, 'serve to answer /health')
}

/** A fresh key pair made by the node (`wg genkey | wg pubkey`); the private key stays in a 0600 file. */
async function nodeKey(name: string): Promise<{ file: string; publicKey: string }> {
  const file = join(dir, `${name}.key`)
  const script = 'umask 077; wg genkey > "$1" && wg pubkey < "$1"'
  return { file, publicKey: (await ns().exec(ns().node, 'sh', '-c', script, 'sh', file)).trim() }
}

async function wgInit(publicKey: string) {
  const res = await ns().curl(ns().node, link('/wg-init'), { method: 'POST', body: JSON.stringify({ public_key: publicKey }) })
  return { status: res.status, answer: res.status === 202 ? (JSON.parse(res.body) as Record<string, string>) : {}, body: res.body }
}

const serverPeers = async () => (await ns().exec(ns().srv, 'wg', 'show', ns().serverWg, 'peers')).split('\n').filter((l) => l !== '')
const storedPeers = async () => JSON.parse((await ns().curl(ns().srv, loopback('/wireguardpeers'))).body) as Array<{
  metadata: { name: string; uid: string }
  spec: { public_key: string; allowed_ip: string }
  status: { phase?: string }
}>
const metaDataThroughTunnel = () => ns().curl(ns().node, tunnel('/meta-data'))

/**
 * Points the node's device at the server, as a node does with the /wg-init answer. Any earlier session is dropped
 * first, so the next packet makes a fresh handshake instead of waiting out a stale one (a restarted server).
 */
async function connectNode(keyFile: string, answer: Record<string, string>) {
  const wg = (...args: string[]) => ns().exec(ns().node, 'wg', 'set', ns().nodeWg, ...args)
  const current = (await ns().exec(ns().node, 'wg', 'show', ns().nodeWg, 'peers')).split('\n').filter((k) => k !== '')
  for (const key of current) await wg('peer', key, 'remove')
  await wg('private-key', keyFile, 'peer', answer['server-public-key'] as string, 'endpoint', `${SERVER_LINK_IP}:${answer['server-port']}`,
    'allowed-ips', `${answer['server-ip']}/32`, 'persistent-keepalive', '1')
}

beforeAll(async () => {
  await requireLabTools()
  if (!existsSync(join(REPO, 'packages/cli/dist/index.js'))) {
    execFileSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: REPO, stdio: 'ignore' })
  }
  dir = await mkdtemp(join(tmpdir(), 'mds-wg-e2e-'))
  lab = await createLab()
  await startHealthy()
}, 180_000)

afterAll(async () => {
  await lab?.destroy()
  if (dir !== '') await rm(dir, { recursive: true, force: true })
}, 60_000)

describe('WireGuard bootstrap with a real peer, end to end', () => {
  let first: Record<string, string> = {}
  let rekeyed: { file: string; publicKey: string; answer: Record<string, string> }

  it('a node outside the tunnel registers its key: 202 with its tunnel address (WG-4, AT-36, AT-40)', async () => {
    const key = await nodeKey('first')
    const { status, answer, body } = await wgInit(key.publicKey)
    expect({ status, body: status === 202 ? '' : body }).toEqual({ status: 202, body: '' })
    expect(answer).toEqual({
      message: 'WireGuard peer allocation accepted',
      'peer-uid': expect.stringMatching(/^wireguardpeer-[0-9a-f]{16}$/),
      'client-vpn-ip': '100.97.0.2',
      'server-public-key': (await ns().exec(ns().srv, 'wg', 'show', ns().serverWg, 'public-key')).trim(),
      'server-ip': TUNNEL_SERVER,
      'server-port': String(udpPort),
    })
    first = answer

    // The node brings up its own wireguard-go with what it was given.
    ns().spawnIn(ns().node, 'wireguard-go', ['-f', ns().nodeWg])
    await ns().waitForSocket(ns().nodeWg)
    await connectNode(key.file, answer)
    await ns().exec(ns().node, 'ip', 'address', 'add', `${answer['client-vpn-ip']}/16`, 'dev', ns().nodeWg)
    await ns().exec(ns().node, 'ip', 'link', 'set', ns().nodeWg, 'up')
  }, 60_000)

  it('reads its own meta-data through the tunnel, identified by its tunnel address (WG-9, ID-4)', async () => {
    await waitFor(async () => (await metaDataThroughTunnel()).status === 200, 'meta-data through the tunnel')
    const res = await metaDataThroughTunnel()
    expect(res.body).toContain(`instance-id: ${N0}\n`)
    expect(res.body).toContain(`local_ipv4: ${NODE_IP}\n`)
  }, 60_000)

  it('is refused outside the tunnel, even with a forged X-Forwarded-For (WG-12, SEC-2, AT-40)', async () => {
    const forged = { 'X-Forwarded-For': '100.97.0.5' }
    for (const path of ['/meta-data', '/vendor-data', '/compute.yaml']) {
      const res = await ns().curl(ns().node, link(path), { headers: forged })
      expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 403, body: 'wireguard-only access required\n' })
    }
    const phoneHome = await ns().curl(ns().node, link(`/phone-home/${first['peer-uid']}`), { method: 'POST', headers: forged })
    expect([phoneHome.status, phoneHome.body]).toEqual([403, 'wireguard-only access required\n'])
  })

  it('re-keys: the server then holds exactly one peer for the node, with the new key (WG-6, SEC-7, AT-37)', async () => {
    const key = await nodeKey('second')
    const { status, answer } = await wgInit(key.publicKey)
    expect(status).toBe(202)
    expect(answer['peer-uid']).not.toBe(first['peer-uid'])
    expect(answer['client-vpn-ip']).toBe('100.97.0.2')
    rekeyed = { ...key, answer }
    await waitFor(async () => (await serverPeers()).join() === key.publicKey, 'the device to hold only the new key')
    await waitFor(async () => (await storedPeers())[0]?.status.phase === 'Ready', 'the new peer to be Ready')
    const stored = await storedPeers()
    expect(stored.map((p) => [p.metadata.uid, p.metadata.name, p.spec.public_key, p.spec.allowed_ip])).toEqual([
      [answer['peer-uid'], N0, key.publicKey, '100.97.0.2/32'],
    ])

    await connectNode(key.file, answer)
    await waitFor(async () => (await metaDataThroughTunnel()).status === 200, 'meta-data through the re-keyed tunnel')

    // WG-11 through the resource API (an admin on loopback): the node's address cannot be given to another peer.
    const intruder = { metadata: { name: 'intruder' }, spec: { public_key: (await nodeKey('intruder')).publicKey, allowed_ip: '100.97.0.2/32' } }
    const taken = await ns().curl(ns().srv, loopback('/wireguardpeers'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(intruder) })
    expect([taken.status, JSON.parse(taken.body)]).toEqual([
      400,
      { error: `validation failed: allowed_ip 100.97.0.2 is already assigned to ${answer['peer-uid']}`, code: 400 },
    ])
  }, 60_000)

  it('restarts on the same data directory with the same server key and re-applies the peers (WG-3, WG-8, AT-37)', async () => {
    expect(await stopChild((server as { child: ChildProcess }).child)).toBe(0)
    // OPS-4: wireguard-go stopped with the service, taking its interface along.
    await expect(ns().exec(ns().srv, 'ip', 'link', 'show', ns().serverWg)).rejects.toThrow()
    const keyFile = join(dir, 'data', 'wireguard', 'server.key')
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600)
    expect((await stat(join(dir, 'data', 'wireguard'))).mode & 0o777).toBe(0o700)

    await startHealthy()
    expect((await ns().exec(ns().srv, 'wg', 'show', ns().serverWg, 'public-key')).trim()).toBe(first['server-public-key'])
    expect(await serverPeers()).toEqual([rekeyed.publicKey])
    await connectNode(rekeyed.file, rekeyed.answer)
    await waitFor(async () => (await metaDataThroughTunnel()).status === 200, 'meta-data through the tunnel after the restart')
    // SEC-4: the private key never reaches the log.
    expect(server?.out()).not.toContain((await readFile(keyFile, 'utf8')).trim())
  }, 90_000)

  it('phones home through the tunnel and loses it (WG-10, AT-39)', async () => {
    // The 200 travels back through the very peer it removes: the device lets go only after the answer has left.
    const res = await ns().curl(ns().node, tunnel(`/phone-home/${rekeyed.answer['peer-uid']}`), { method: 'POST' })
    expect([res.exit, res.status, res.body]).toEqual([0, 200, ''])
    expect(await storedPeers()).toEqual([])
    await waitFor(async () => (await serverPeers()).length === 0, 'the peer to leave the device')
    const after = await metaDataThroughTunnel()
    expect(after.exit).not.toBe(0)
    expect(after.status).toBe(0)
  }, 60_000)
})
