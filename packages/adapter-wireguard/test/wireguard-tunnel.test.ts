import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRecordingLogger } from '@metadata-service/core/testing'
import type { Tunnel } from '@metadata-service/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createWireGuardTunnel, type CommandRunner } from '../src/index.js'
import { loggedRequests, writeFakeWireGuardGo } from './_fake-wireguard-go.js'

const PRIVATE_KEY = 'dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo='
const PRIVATE_HEX = '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'
const KEY_A = '8du8A89mlo7m1r8q4ScfGn6Af8Vx8gfX3E2qhW2C5VQ='
const HEX_A = 'f1dbbc03cf66968ee6d6bf2ae1271f1a7e807fc571f207d7dc4daa856d82e554'
const REFUSED_KEY = Buffer.alloc(32, 0xee).toString('base64')
const START = { privateKey: PRIVATE_KEY, listenPort: 51820, address: '100.97.0.1/16' }

let dir: string
let tunnels: Tunnel[]
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mds-wgtun-'))
  tunnels = []
})
afterEach(async () => {
  for (const tunnel of tunnels) await tunnel.stop()
  await rm(dir, { recursive: true, force: true })
})

/** A tunnel on a fake wireguard-go whose `ip` calls are recorded instead of run. */
async function fakeTunnel(mode: 'ok' | 'crash' | 'mute' = 'ok', run?: CommandRunner) {
  const commands: string[] = []
  const logger = createRecordingLogger()
  const tunnel = createWireGuardTunnel({
    interfaceName: 'wgtest0',
    wireguardGoPath: await writeFakeWireGuardGo(dir, dir, mode),
    socketDir: dir,
    logger,
    run:
      run ??
      (async (command, args) => {
        commands.push([command, ...args].join(' '))
      }),
    startTimeoutMs: 3000,
  })
  tunnels.push(tunnel)
  return { tunnel, commands, logger, socket: join(dir, 'wgtest0.sock') }
}

describe('createWireGuardTunnel on a fake wireguard-go (WG-2)', () => {
  it('starts the device, configures it over UAPI and brings the link up', async () => {
    const { tunnel, commands, logger } = await fakeTunnel()
    await tunnel.start(START)
    expect(await loggedRequests(dir)).toEqual([
      `set=1\nprivate_key=${PRIVATE_HEX}\nlisten_port=51820\nreplace_peers=true\n\n`,
    ])
    expect(commands).toEqual(['ip address replace 100.97.0.1/16 dev wgtest0', 'ip link set wgtest0 up'])
    expect(logger.entries).toContainEqual({
      level: 'info',
      message: 'INFO: (wgtest0) UAPI listener started',
      fields: { component: 'wireguard-go', interface: 'wgtest0' },
    })
    // SEC-4: the private key is never logged.
    expect(JSON.stringify(logger.entries)).not.toContain(PRIVATE_KEY)
    expect(JSON.stringify(logger.entries)).not.toContain(PRIVATE_HEX)
  })

  it('upserts and removes peers with hex keys, and lists peers with handshakes', async () => {
    const { tunnel } = await fakeTunnel()
    await tunnel.start(START)
    await tunnel.upsertPeer(KEY_A, '100.97.0.2/32')
    await tunnel.removePeer(KEY_A)
    expect((await loggedRequests(dir)).slice(1)).toEqual([
      `set=1\npublic_key=${HEX_A}\nreplace_allowed_ips=true\nallowed_ip=100.97.0.2/32\npersistent_keepalive_interval=25\n\n`,
      `set=1\npublic_key=${HEX_A}\nremove=true\n\n`,
    ])
    expect(await tunnel.peers()).toEqual([
      { publicKey: Buffer.alloc(32, 0xf1).toString('base64'), allowedIps: ['100.97.0.2/32'], lastHandshakeAt: 5000 },
    ])
  })

  it('rejects bad input before it reaches the socket (no UAPI injection)', async () => {
    const { tunnel } = await fakeTunnel()
    await tunnel.start(START)
    await expect(tunnel.upsertPeer(KEY_A, '100.97.0.2/32\nremove=true')).rejects.toMatchObject({
      code: 'TUNNEL_UNAVAILABLE',
    })
    await expect(tunnel.upsertPeer('short', '100.97.0.2/32')).rejects.toThrow(
      'invalid public key: invalid WireGuard key: public_key must be valid base64',
    )
    expect(await loggedRequests(dir)).toHaveLength(1)
  })

  it('turns a non-zero errno into TUNNEL_UNAVAILABLE', async () => {
    const { tunnel } = await fakeTunnel()
    await tunnel.start(START)
    await expect(tunnel.upsertPeer(REFUSED_KEY, '100.97.0.2/32')).rejects.toMatchObject({
      code: 'TUNNEL_UNAVAILABLE',
      message: 'wireguard-go refused the request: errno=-22',
    })
  })

  it('reports a child that dies after start once, then refuses calls', async () => {
    const { tunnel, logger } = await fakeTunnel()
    await tunnel.start(START)
    const reasons: string[] = []
    const exited = new Promise<void>((resolve) =>
      tunnel.onExit((reason) => {
        reasons.push(reason)
        resolve()
      }),
    )
    connect(join(dir, 'wgtest0.sock')).end('die=1\n\n')
    await exited
    expect(reasons).toEqual(['wireguard-go exited with code 3'])
    await expect(tunnel.peers()).rejects.toMatchObject({
      code: 'TUNNEL_UNAVAILABLE',
      message: 'wireguard device failed: wireguard-go exited with code 3',
    })
    expect(logger.entries.filter((e) => e.level === 'error').map((e) => e.message)).toEqual([
      'WireGuard device failed: wireguard-go exited with code 3',
    ])
  })

  it('stop kills the child, removes the socket and tells no exit listener', async () => {
    const { tunnel, socket } = await fakeTunnel()
    await tunnel.start(START)
    const reasons: string[] = []
    tunnel.onExit((reason) => reasons.push(reason))
    expect(existsSync(socket)).toBe(true)
    await tunnel.stop()
    expect(existsSync(socket)).toBe(false)
    expect(reasons).toEqual([])
    await expect(tunnel.upsertPeer(KEY_A, '100.97.0.2/32')).rejects.toThrow('wireguard device is not running')
    await tunnel.stop()
  })

  it('refuses calls before start', async () => {
    const { tunnel } = await fakeTunnel()
    await expect(tunnel.peers()).rejects.toMatchObject({ code: 'TUNNEL_UNAVAILABLE', message: 'wireguard device is not running' })
  })
})

describe('createWireGuardTunnel start failures (WG-1, WG-2)', () => {
  it('reports a child that exits before opening its socket, with its output', async () => {
    const { tunnel } = await fakeTunnel('crash')
    await expect(tunnel.start(START)).rejects.toMatchObject({
      code: 'TUNNEL_UNAVAILABLE',
      message: expect.stringMatching(
        /^wireguard-go exited with code 1 before opening .*wgtest0\.sock: ERROR: \(wgtest0\) Failed to create TUN device: no such device$/,
      ),
    })
  })

  it('reports a missing binary', async () => {
    const tunnel = createWireGuardTunnel({
      interfaceName: 'wgtest0',
      wireguardGoPath: join(dir, 'no-such-wireguard-go'),
      socketDir: dir,
      logger: createRecordingLogger(),
      run: async () => undefined,
    })
    tunnels.push(tunnel)
    await expect(tunnel.start(START)).rejects.toThrow(/^wireguard-go failed to run .*no-such-wireguard-go: spawn .* ENOENT/)
  })

  it('gives up on a child that never opens its socket, and kills it', async () => {
    const { tunnel } = await fakeTunnel('mute')
    await expect(tunnel.start(START)).rejects.toThrow(/^wireguard-go did not open .*wgtest0\.sock within 3000 ms$/)
  })

  it('stops the child when an ip command fails', async () => {
    const { tunnel, socket } = await fakeTunnel('ok', async (command, args) => {
      throw new Error(`${command} ${args.join(' ')}: RTNETLINK answers: Operation not permitted`)
    })
    await expect(tunnel.start(START)).rejects.toMatchObject({
      code: 'TUNNEL_UNAVAILABLE',
      message: 'ip address replace 100.97.0.1/16 dev wgtest0: RTNETLINK answers: Operation not permitted',
    })
    expect(existsSync(socket)).toBe(false)
  })

  it.each([
    [{ ...START, privateKey: 'no key!' }, 'invalid private key: invalid WireGuard key: public_key must be valid base64'],
    [{ ...START, address: '100.97.0.1' }, 'invalid CIDR "100.97.0.1": missing "/<prefix length>"'],
  ])('refuses bad start options without spawning anything (%#)', async (start, message) => {
    const { tunnel } = await fakeTunnel()
    await expect(tunnel.start(start)).rejects.toMatchObject({ code: 'TUNNEL_UNAVAILABLE', message })
    expect(await loggedRequests(dir)).toEqual([])
  })

  it('refuses an interface another live wireguard-go already drives', async () => {
    const first = await fakeTunnel()
    await first.tunnel.start(START)
    const second = await fakeTunnel()
    await expect(second.tunnel.start(START)).rejects.toThrow(
      `interface wgtest0 is already driven by a running wireguard-go (${first.socket})`,
    )
    // The first device is untouched.
    expect(await first.tunnel.peers()).toHaveLength(1)
  })

  it('replaces a stale socket file left by a killed device', async () => {
    const { tunnel, socket } = await fakeTunnel()
    await writeFile(socket, '')
    await tunnel.start(START)
    expect(await tunnel.peers()).toHaveLength(1)
  })
})
