import { randomInt } from 'node:crypto'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MetadataError, startWireGuard, type ResourceStore, type WireGuardService } from '@metadata-service/core'
import { createMemoryStore, createRecordingLogger } from '@metadata-service/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWireGuardTunnel, loadOrCreateServerKey, serverKeyPath } from '../src/index.js'
import { createPeerNamespace, requireDeviceTools, waitFor, type PeerNamespace } from './_peer-namespace.js'

/**
 * The WireGuard bootstrap end to end on a real device: core's startWireGuard over this adapter and WG-3 key file,
 * a node in a network namespace running `/wg-init`'s use case, then phone-home, then a restart (AT-36, AT-37, AT-39).
 */

const port = randomInt(40_000, 50_000)
const NODE = 'x1000c0s0b0n0'
let peer: PeerNamespace | undefined
let dataDir: string | undefined
let store: ResourceStore
let service: WireGuardService | undefined
const logger = createRecordingLogger()

const ns = () => peer as PeerNamespace

async function boot() {
  return startWireGuard({
    server: `${ns().overlay(1)}/24`,
    listenPort: port,
    store,
    logger,
    // The node's boot address; anything else is no node (SPEC §16: no allocation for it).
    resolveNode: async (address) => {
      if (address === ns().underlay(2)) return NODE
      throw new MetadataError('NODE_NOT_FOUND', 'node not found')
    },
    createTunnel: () => createWireGuardTunnel({ interfaceName: ns().serverInterface, logger }),
    loadPrivateKey: () => loadOrCreateServerKey(dataDir as string),
  })
}

beforeAll(async () => {
  await requireDeviceTools()
  peer = await createPeerNamespace()
  dataDir = await mkdtemp(join(tmpdir(), 'mds-wgboot-'))
  store = createMemoryStore()
  service = await boot()
}, 60_000)

afterAll(async () => {
  await service?.close().catch(() => undefined)
  await peer?.destroy()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
}, 60_000)

describe('WireGuard bootstrap on a real wireguard-go (WG-2..WG-10)', () => {
  let serverPublicKey = ''

  it('allocates a peer for the node, applies it to the device and carries its traffic', async () => {
    expect(service?.enabled()).toBe(true)
    const answer = await (service as WireGuardService).init({ public_key: ns().keys.publicKey }, ns().underlay(2))
    serverPublicKey = answer['server-public-key']
    expect(answer).toMatchObject({ 'client-vpn-ip': ns().overlay(2), 'server-ip': ns().overlay(1), 'server-port': String(port) })
    await ns().connect({ publicKey: serverPublicKey, port, tunnelIp: ns().overlay(1), peerAddress: `${ns().overlay(2)}/24` })
    await waitFor(() => ns().ping(ns().overlay(1)), 'a ping through the tunnel')
    await service?.idle()
    const [stored] = await store.list('WireGuardPeer')
    expect(stored?.status).toEqual({ phase: 'Ready', ready: true, message: 'wireguard peer reconciled', version: 'v1' })
    expect(service?.resolveTunnelAddress(ns().overlay(2))).toBe(NODE)
    expect((await stat(serverKeyPath(dataDir as string))).mode & 0o777).toBe(0o600)
  })

  it('re-applies stored peers after a restart, with the same server key', async () => {
    await service?.close()
    expect(await ns().ping(ns().overlay(1))).toBe(false)
    service = await boot()
    await ns().connect({ publicKey: serverPublicKey, port, tunnelIp: ns().overlay(1), peerAddress: `${ns().overlay(2)}/24` })
    await waitFor(() => ns().ping(ns().overlay(1)), 'a ping after the restart')
    const again = await (service as WireGuardService).init({ public_key: ns().keys.publicKey }, ns().underlay(2))
    expect(again['server-public-key']).toBe(serverPublicKey)
    expect(again['client-vpn-ip']).toBe(ns().overlay(2))
  })

  it('phone-home from another address is refused; from the node through its tunnel it deletes the peer and takes it off the device', async () => {
    await expect(service?.phoneHome(NODE, '192.0.2.99')).rejects.toMatchObject({ code: 'FORBIDDEN' })
    expect(await store.list('WireGuardPeer')).toHaveLength(1)
    await service?.phoneHome(NODE, ns().overlay(2))
    expect(await store.list('WireGuardPeer')).toEqual([])
    await ns().connect({ publicKey: serverPublicKey, port, tunnelIp: ns().overlay(1), peerAddress: `${ns().overlay(2)}/24` })
    expect(await ns().ping(ns().overlay(1))).toBe(false)
    expect(logger.entries.filter((e) => e.level === 'error')).toEqual([])
  })
})
