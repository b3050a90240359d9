import { randomInt } from 'node:crypto'
import { generateWireGuardKeyPair, type Tunnel } from '@metadata-service/core'
import { createRecordingLogger } from '@metadata-service/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWireGuardTunnel } from '../src/index.js'
import { createPeerNamespace, requireDeviceTools, sh, waitFor, type PeerNamespace } from './_peer-namespace.js'

/**
 * WG-2 against a real wireguard-go: the server device in the root namespace, driven by the adapter, and a peer in a
 * fresh network namespace, driven by `wg`. Missing tools FAIL the suite on purpose: a skipped device test would hide
 * a broken adapter (CI installs wireguard-go, wireguard-tools, iproute2 and ping).
 */

const serverPort = randomInt(40_000, 50_000)
const serverKeys = generateWireGuardKeyPair()
const exits: string[] = []
let peer: PeerNamespace | undefined
let tunnel: Tunnel | undefined

const ns = () => peer as PeerNamespace

beforeAll(async () => {
  await requireDeviceTools()
  peer = await createPeerNamespace()
  await peer.connect({ publicKey: serverKeys.publicKey, port: serverPort, tunnelIp: peer.overlay(1), peerAddress: `${peer.overlay(2)}/24` })
  tunnel = createWireGuardTunnel({ interfaceName: peer.serverInterface, logger: createRecordingLogger() })
  tunnel.onExit((reason) => exits.push(reason))
  await tunnel.start({ privateKey: serverKeys.privateKey, listenPort: serverPort, address: `${peer.overlay(1)}/24` })
}, 60_000)

afterAll(async () => {
  await tunnel?.stop().catch(() => undefined)
  await peer?.destroy()
}, 60_000)

describe('createWireGuardTunnel on a real wireguard-go (WG-2)', () => {
  it('brings the interface up with the server address', async () => {
    expect(await sh('ip', '-o', 'address', 'show', 'dev', ns().serverInterface)).toContain(`inet ${ns().overlay(1)}/24`)
    expect(await sh('ip', '-o', 'link', 'show', 'dev', ns().serverInterface)).toMatch(/[<,]UP[,>]/)
    expect(await tunnel?.peers()).toEqual([])
  })

  it('carries traffic for an upserted peer and reports its handshake', async () => {
    await tunnel?.upsertPeer(ns().keys.publicKey, `${ns().overlay(2)}/32`)
    await waitFor(() => ns().ping(ns().overlay(1)), 'a ping through the tunnel')
    const [only, ...others] = (await tunnel?.peers()) ?? []
    expect(others).toEqual([])
    expect(only?.publicKey).toBe(ns().keys.publicKey)
    expect(only?.allowedIps).toEqual([`${ns().overlay(2)}/32`])
    expect(only?.lastHandshakeAt).toBeGreaterThan(0)
  })

  it('stops carrying traffic once the peer is removed', async () => {
    await tunnel?.removePeer(ns().keys.publicKey)
    expect(await tunnel?.peers()).toEqual([])
    // A fresh session on the peer side: its handshakes now reach a server that no longer knows its key.
    await ns().connect({ publicKey: serverKeys.publicKey, port: serverPort, tunnelIp: ns().overlay(1), peerAddress: `${ns().overlay(2)}/24` })
    expect(await ns().ping(ns().overlay(1))).toBe(false)
    expect(await ns().ping(ns().overlay(1))).toBe(false)
    // Removing an absent peer is fine (WG-8: "not found" is ignored).
    await expect(tunnel?.removePeer(ns().keys.publicKey)).resolves.toBeUndefined()
  })

  it('reports the device dying (its interface deleted) and refuses later calls', async () => {
    expect(exits).toEqual([])
    await sh('ip', 'link', 'del', ns().serverInterface)
    await waitFor(() => exits.length > 0, 'the exit listener')
    expect(exits[0]).toMatch(/^wireguard-go (exited with code \d+|killed by SIG\w+)$/)
    await expect(tunnel?.peers()).rejects.toMatchObject({ code: 'TUNNEL_UNAVAILABLE' })
  })
})
