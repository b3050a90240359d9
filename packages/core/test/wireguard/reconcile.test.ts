import { describe, expect, it } from 'vitest'
import type { WireGuardPeer } from '../../src/domain/wireguard-peer.js'
import { createFakeTunnel, createMemoryStore } from '../../src/testing/index.js'
import { KEY_A, KEY_B, KEY_C, N0, N1, storedPeer } from './_peers.test-data.js'
import { startService } from './_service.test-data.js'

const READY = { phase: 'Ready', ready: true, message: 'wireguard peer reconciled', version: 'v1' }
const error = (message: string) => ({ phase: 'Error', ready: false, message, version: 'v1' })

async function statusOf(store: ReturnType<typeof createMemoryStore>, uid: string) {
  return (await store.get('WireGuardPeer', uid))?.status
}

describe('reconcile on start (WG-8)', () => {
  it('applies every stored peer after replace_peers and writes each outcome', async () => {
    const store = createMemoryStore([
      storedPeer(N0, 'wireguardpeer-0000000000000001', '100.97.0.2/32', KEY_A),
      storedPeer(N1, 'wireguardpeer-0000000000000002', '100.97.0.3/32', ''),
      storedPeer('n2', 'wireguardpeer-0000000000000003', 'nope/99', KEY_B),
      storedPeer('n3', 'wireguardpeer-0000000000000004', '100.97.0.5/32', 'not-base64'),
    ])
    const tunnel = createFakeTunnel()
    await startService({ store, tunnel })
    expect(tunnel.calls.map((c) => c.method)).toEqual(['start', 'upsertPeer', 'upsertPeer'])
    expect(await tunnel.peers()).toEqual([{ publicKey: KEY_A, allowedIps: ['100.97.0.2/32'] }])
    expect(await statusOf(store, 'wireguardpeer-0000000000000001')).toEqual(READY)
    expect(await statusOf(store, 'wireguardpeer-0000000000000002')).toEqual(error('public_key is required'))
    expect(await statusOf(store, 'wireguardpeer-0000000000000003')).toEqual(
      error('invalid allowed_ip "nope/99": "nope" is not an IP address'),
    )
    expect(await statusOf(store, 'wireguardpeer-0000000000000004')).toEqual(
      error('failed to upsert peer: invalid peer key: public_key must be valid base64'),
    )
  })

  it('does not rewrite a status that is already right (a restart keeps resourceVersions)', async () => {
    const store = createMemoryStore([storedPeer(N0, 'wireguardpeer-0000000000000001', '100.97.0.2/32', KEY_A)])
    const first = await startService({ store })
    await first.service.close()
    expect((await store.get('WireGuardPeer', 'wireguardpeer-0000000000000001'))?.metadata.resourceVersion).toBe('2')
    const generation = store.generation()
    const second = await startService({ store, tunnel: createFakeTunnel() })
    expect(await second.tunnel?.peers()).toHaveLength(1)
    expect(store.generation()).toBe(generation)
  })

  it('marks every peer Degraded when WireGuard is off', async () => {
    const store = createMemoryStore([storedPeer(N0, 'wireguardpeer-0000000000000001', '100.97.0.2/32', KEY_A)])
    const { service } = await startService({ store, tunnel: null })
    const degraded = {
      phase: 'Degraded',
      ready: false,
      message: 'wireguard controller not configured; reconcile skipped',
      version: 'v1',
    }
    expect(await statusOf(store, 'wireguardpeer-0000000000000001')).toEqual(degraded)
    await store.create(storedPeer(N1, 'wireguardpeer-0000000000000002', '100.97.0.3/32', KEY_B))
    await service.idle()
    expect(await statusOf(store, 'wireguardpeer-0000000000000002')).toEqual(degraded)
    expect(service.tunnelMap()).toEqual(new Map())
    expect(service.resolveTunnelAddress('100.97.0.2')).toBeUndefined()
  })
})

describe('reconcile after resource API writes (WG-8)', () => {
  it('applies a created peer once: its own status write is not reconciled again', async () => {
    const { service, store, tunnel } = await startService()
    await store.create(storedPeer(N0, 'wireguardpeer-0000000000000001', '100.97.0.2/32', KEY_A))
    await service.idle()
    expect(await statusOf(store, 'wireguardpeer-0000000000000001')).toEqual(READY)
    expect(tunnel?.calls.filter((c) => c.method === 'upsertPeer')).toHaveLength(1)
    expect(service.resolveTunnelAddress('100.97.0.2')).toBe(N0)
  })

  it('records a device error, and retries on the next write of the same spec', async () => {
    const { service, store, tunnel } = await startService()
    tunnel?.failNext('uapi: errno=1')
    const created = await store.create(storedPeer(N0, 'wireguardpeer-0000000000000001', '100.97.0.2/32', KEY_A))
    await service.idle()
    expect(await statusOf(store, created.metadata.uid)).toEqual(error('failed to upsert peer: uapi: errno=1'))
    expect(tunnel?.calls.filter((c) => c.method === 'upsertPeer')).toHaveLength(1)

    const current = (await store.get('WireGuardPeer', created.metadata.uid)) as WireGuardPeer
    await store.update(current, current.metadata.resourceVersion)
    await service.idle()
    expect(await statusOf(store, created.metadata.uid)).toEqual(READY)
    expect(await tunnel?.peers()).toEqual([{ publicKey: KEY_A, allowedIps: ['100.97.0.2/32'] }])
  })

  it('moves the device peer when a PUT changes the key or the address', async () => {
    const { service, store, tunnel } = await startService()
    const created = await store.create(storedPeer(N0, 'wireguardpeer-0000000000000001', '100.97.0.2/32', KEY_A))
    await service.idle()
    const current = (await store.get('WireGuardPeer', created.metadata.uid)) as WireGuardPeer
    await store.update({ ...current, spec: { public_key: KEY_B, allowed_ip: '100.97.0.9/32' } }, current.metadata.resourceVersion)
    await service.idle()
    expect(await tunnel?.peers()).toEqual([{ publicKey: KEY_B, allowedIps: ['100.97.0.9/32'] }])
    expect(service.tunnelMap()).toEqual(new Map([['100.97.0.9', N0]]))
  })

  it('takes a peer off the device when its spec turns invalid', async () => {
    const { service, store, tunnel } = await startService()
    const created = await store.create(storedPeer(N0, 'wireguardpeer-0000000000000001', '100.97.0.2/32', KEY_A))
    await service.idle()
    const current = (await store.get('WireGuardPeer', created.metadata.uid)) as WireGuardPeer
    await store.update({ ...current, spec: { public_key: KEY_A, allowed_ip: '100.97.0.2/40' } }, current.metadata.resourceVersion)
    await service.idle()
    expect(await tunnel?.peers()).toEqual([])
    expect(await statusOf(store, created.metadata.uid)).toEqual(
      error('invalid allowed_ip "100.97.0.2/40": prefix length must be 0-32'),
    )
  })

  it('restores the status after someone else overwrites it', async () => {
    const { service, store } = await startService()
    const created = await store.create(storedPeer(N0, 'wireguardpeer-0000000000000001', '100.97.0.2/32', KEY_A))
    await service.idle()
    const current = (await store.get('WireGuardPeer', created.metadata.uid)) as WireGuardPeer
    await store.update({ ...current, status: { ready: false, phase: 'Error', message: 'hand-written' } }, current.metadata.resourceVersion)
    await service.idle()
    expect(await statusOf(store, created.metadata.uid)).toEqual(READY)
  })

  it('removes a deleted peer from the device; a peer never applied deletes quietly', async () => {
    const { service, store, tunnel, logger } = await startService()
    await store.create(storedPeer(N0, 'wireguardpeer-0000000000000001', '100.97.0.2/32', KEY_A))
    await store.create(storedPeer(N1, 'wireguardpeer-0000000000000002', 'bad', KEY_B))
    await service.idle()
    await store.delete('WireGuardPeer', 'wireguardpeer-0000000000000001')
    await store.delete('WireGuardPeer', 'wireguardpeer-0000000000000002')
    await service.idle()
    expect(await tunnel?.peers()).toEqual([])
    expect(service.tunnelMap()).toEqual(new Map())
    expect(logger.entries.filter((e) => e.level === 'error')).toEqual([])
  })

  it('keeps a device peer that two stored peers share until the last one goes', async () => {
    const { service, store, tunnel } = await startService()
    await store.create(storedPeer(N0, 'wireguardpeer-0000000000000001', '100.97.0.2/32', KEY_C))
    await store.create(storedPeer(N1, 'wireguardpeer-0000000000000002', '100.97.0.3/32', KEY_C))
    await service.idle()
    await store.delete('WireGuardPeer', 'wireguardpeer-0000000000000002')
    await service.idle()
    expect(await tunnel?.peers()).toEqual([{ publicKey: KEY_C, allowedIps: ['100.97.0.2/32'] }])
    await store.delete('WireGuardPeer', 'wireguardpeer-0000000000000001')
    await service.idle()
    expect(await tunnel?.peers()).toEqual([])
  })
})

describe('device failure after start (WG-2)', () => {
  it('turns WireGuard off: 503 on wg-init, peers Degraded, empty tunnel map', async () => {
    const { service, store, tunnel, logger } = await startService()
    await service.init(JSON.stringify({ public_key: KEY_A }), '10.252.0.26')
    await service.idle()
    tunnel?.die('wireguard-go exited with code 1')
    await service.idle()
    expect(service.enabled()).toBe(false)
    await expect(service.init(JSON.stringify({ public_key: KEY_B }), '10.252.0.27')).rejects.toThrow('wireguard disabled')
    expect((await store.list('WireGuardPeer'))[0]?.status.phase).toBe('Degraded')
    expect(service.resolveTunnelAddress('100.97.0.2')).toBeUndefined()
    expect(service.isInsideTunnelNetwork('100.97.0.2')).toBe(false)
    expect(logger.entries).toContainEqual({
      level: 'error',
      message: 'WireGuard device failed: wireguard-go exited with code 1; running without WireGuard',
      fields: {},
    })
  })
})

describe('isInsideTunnelNetwork (WG-12)', () => {
  it.each([
    ['100.97.1.5', true],
    ['100.97.0.0', true],
    ['100.97.255.255', true],
    ['::ffff:100.97.0.2', true],
    ['100.97.0.2:51000', true],
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['[::1]:8080', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.1', false],
    ['100.98.0.1', false],
    ['100.96.255.255', false],
    ['fd00::1', false],
    ['', false],
    ['junk', false],
  ])('%j → %j', async (address, inside) => {
    const { service } = await startService()
    expect(service.isInsideTunnelNetwork(address)).toBe(inside)
  })

  it('is false for every address while WireGuard is off', async () => {
    const { service } = await startService({ tunnel: null })
    expect(service.isInsideTunnelNetwork('127.0.0.1')).toBe(false)
  })
})
