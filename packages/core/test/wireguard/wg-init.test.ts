import { describe, expect, it } from 'vitest'
import { createFakeTunnel, createMemoryStore } from '../../src/testing/index.js'
import { KEY_A, KEY_B, KEY_C, N0, SERVER_PUBLIC_KEY, UID_A, UID_B, storedPeer } from './_peers.test-data.js'
import { failingStore, startService } from './_service.test-data.js'
import { createWireGuardService } from '../../src/wireguard/wireguard-service.js'
import { parseServerAddress } from '../../src/wireguard/server-address.js'
import { silentLogger } from '../../src/ports/logger.js'

const N0_ADDRESS = '10.252.0.26'
const N1_ADDRESS = '10.252.0.27'
const body = (publicKey: string) => JSON.stringify({ public_key: publicKey })

describe('wg-init request errors (WG-4, AT-35)', () => {
  it('answers the four 400 messages in order and stores nothing', async () => {
    const { service, store } = await startService()
    const sixteen = Buffer.alloc(16, 7).toString('base64')
    const errors = []
    for (const input of ['x', '{}', '{"public_key":"not-base64"}', body(sixteen)]) {
      errors.push(await service.init(input, N0_ADDRESS).catch((err: unknown) => err))
    }
    expect(errors).toMatchObject([
      { code: 'INVALID_BODY', message: 'invalid request' },
      { code: 'VALIDATION_FAILED', message: 'public_key is required' },
      { code: 'VALIDATION_FAILED', message: 'public_key must be valid base64' },
      { code: 'VALIDATION_FAILED', message: 'public_key must decode to 32 bytes' },
    ])
    expect(await store.list('WireGuardPeer')).toEqual([])
  })

  it.each([
    ['', 'invalid request'],
    ['[]', 'invalid request'],
    ['"key"', 'invalid request'],
    ['{"public_key":5}', 'invalid request'],
    ['null', 'public_key is required'],
    ['{"public_key":null}', 'public_key is required'],
    ['{"public_key":"   "}', 'public_key is required'],
  ])('body %j → %j', async (input, message) => {
    const { service } = await startService()
    await expect(service.init(input, N0_ADDRESS)).rejects.toThrow(message)
  })

  it('accepts bytes and already-parsed JSON, whatever the content type was', async () => {
    const { service } = await startService()
    const first = await service.init(new TextEncoder().encode(body(KEY_A)), N0_ADDRESS)
    const second = await service.init({ public_key: KEY_A }, N0_ADDRESS)
    expect(second).toEqual(first)
  })
})

describe('wg-init allocation (WG-4, WG-6, AT-36)', () => {
  it('answers 202 twice with the same peer, stores it and reconciles it Ready', async () => {
    const { service, store, tunnel } = await startService()
    const expected = {
      message: 'WireGuard peer allocation accepted',
      'peer-uid': UID_A,
      'client-vpn-ip': '100.97.0.2',
      'server-public-key': SERVER_PUBLIC_KEY,
      'server-ip': '100.97.0.1',
      'server-port': '51820',
    }
    expect(await service.init(body(KEY_A), N0_ADDRESS)).toEqual(expected)
    expect(await service.init(body(KEY_A), N0_ADDRESS)).toEqual(expected)
    await service.idle()

    const stored = await store.list('WireGuardPeer')
    expect(stored).toEqual([
      {
        apiVersion: 'v1',
        kind: 'WireGuardPeer',
        metadata: {
          name: N0,
          uid: UID_A,
          createdAt: '2025-01-01T00:00:00.000Z',
          updatedAt: '2025-01-01T00:00:00.000Z',
          resourceVersion: '2',
        },
        spec: { description: `WireGuard peer for ${N0}`, public_key: KEY_A, allowed_ip: '100.97.0.2/32' },
        status: { phase: 'Ready', ready: true, message: 'wireguard peer reconciled', version: 'v1' },
      },
    ])
    expect(await tunnel?.peers()).toEqual([{ publicKey: KEY_A, allowedIps: ['100.97.0.2/32'] }])
    expect(service.resolveTunnelAddress('100.97.0.2')).toBe(N0)
    expect(service.tunnelMap()).toEqual(new Map([['100.97.0.2', N0]]))
  })

  it('answers a known key with its stored IP and changes nothing, whoever asks (SEC-7)', async () => {
    const { service, store } = await startService()
    await service.init(body(KEY_A), N0_ADDRESS)
    await service.idle()
    const before = await store.list('WireGuardPeer')
    const generation = store.generation()
    const answer = await service.init(body(KEY_A), N1_ADDRESS)
    expect(answer['client-vpn-ip']).toBe('100.97.0.2')
    expect(answer['peer-uid']).toBe(UID_A)
    expect(await store.list('WireGuardPeer')).toEqual(before)
    expect(store.generation()).toBe(generation)
  })

  it('answers 404 node not found to an address that is no known node, and allocates nothing (SPEC §16 WG-10)', async () => {
    const { service, store, tunnel, logger } = await startService()
    await service.init(body(KEY_B), N1_ADDRESS)
    await service.idle()
    const generation = store.generation()
    for (const key of [KEY_A, KEY_B]) {
      // A key already stored does not help either: an address that is no node gets nothing, not even the address.
      await expect(service.init(body(key), '192.168.7.7', { reqId: 'req-unknown' })).rejects.toMatchObject({
        name: 'MetadataError',
        code: 'NODE_NOT_FOUND',
        message: 'node not found',
      })
    }
    expect(store.generation()).toBe(generation)
    expect((await tunnel?.peers())?.map((p) => p.publicKey)).toEqual([KEY_B])
    expect(logger.entries).toContainEqual({
      level: 'info',
      message: 'wg-init from an address that is no known node; nothing allocated',
      fields: { reqId: 'req-unknown', clientAddress: '192.168.7.7' },
    })
  })

  it('carries the request id on its log lines, the device reconcile it causes included (OPS-5)', async () => {
    const { service, tunnel, logger } = await startService()
    tunnel?.failNext('device busy')
    await service.init(body(KEY_A), N0_ADDRESS, { reqId: 'req-1' })
    await service.idle()
    const lines = logger.entries.filter((e) => e.message === 'WireGuard peer allocated' || e.message === 'WireGuard peer not applied')
    expect(lines.map((e) => [e.message, e.fields?.reqId])).toEqual([
      ['WireGuard peer allocated', 'req-1'],
      ['WireGuard peer not applied', 'req-1'],
    ])
  })

  it('stores the normalised key under its WG-5 uid', async () => {
    const { service, store } = await startService()
    const answer = await service.init(body(` ${KEY_A.slice(0, 42)}R= `), N0_ADDRESS)
    expect(answer['peer-uid']).toBe(UID_A)
    expect((await store.get('WireGuardPeer', UID_A))?.spec.public_key).toBe(KEY_A)
  })

  it('serialises concurrent requests so two nodes never share an address', async () => {
    const { service } = await startService()
    const [a, b] = await Promise.all([service.init(body(KEY_A), N0_ADDRESS), service.init(body(KEY_B), N1_ADDRESS)])
    expect([a['client-vpn-ip'], b['client-vpn-ip']]).toEqual(['100.97.0.2', '100.97.0.3'])
  })
})

describe('wg-init re-key and restart (WG-6, WG-7, AT-37)', () => {
  it('replaces the node’s old peer, reuses its address, and allocates .3 for the next node after a restart', async () => {
    const store = createMemoryStore()
    const first = await startService({ store })
    await first.service.init(body(KEY_A), N0_ADDRESS)
    await first.service.idle()
    const rekeyed = await first.service.init(body(KEY_B), N0_ADDRESS)
    await first.service.idle()
    expect(rekeyed).toMatchObject({ 'peer-uid': UID_B, 'client-vpn-ip': '100.97.0.2' })
    expect((await store.list('WireGuardPeer')).map((p) => p.metadata.uid)).toEqual([UID_B])
    expect(await first.tunnel?.peers()).toEqual([{ publicKey: KEY_B, allowedIps: ['100.97.0.2/32'] }])
    await first.service.close()

    // Restart: a new device (replace_peers) and a new service over the same store.
    const second = await startService({ store, tunnel: createFakeTunnel() })
    expect(await second.tunnel?.peers()).toEqual([{ publicKey: KEY_B, allowedIps: ['100.97.0.2/32'] }])
    const next = await second.service.init(body(KEY_C), N1_ADDRESS)
    expect(next['client-vpn-ip']).toBe('100.97.0.3')
    expect(second.service.resolveTunnelAddress('100.97.0.2')).toBe(N0)
  })
})

describe('wg-init pool limits (WG-7, AT-38)', () => {
  it('wraps to 10.0.1.0 in a /23 whose .2–.255 are taken', async () => {
    const seed = Array.from({ length: 254 }, (_, i) =>
      storedPeer(`node-${i + 2}`, `wireguardpeer-${String(i + 2).padStart(16, '0')}`, `10.0.0.${i + 2}/32`),
    )
    const { service } = await startService({ store: createMemoryStore(seed), server: '10.0.0.1/23' })
    expect((await service.init(body(KEY_A), N0_ADDRESS))['client-vpn-ip']).toBe('10.0.1.0')
  })

  it('answers pool exhaustion for a 2nd requester in a /30 and changes nothing', async () => {
    const { service, store } = await startService({ server: '10.0.0.1/30' })
    expect((await service.init(body(KEY_A), N0_ADDRESS))['client-vpn-ip']).toBe('10.0.0.2')
    const generation = store.generation()
    await expect(service.init(body(KEY_B), N1_ADDRESS)).rejects.toMatchObject({
      code: 'POOL_EXHAUSTED',
      message: 'failed to allocate WireGuard IP: no available IPs',
    })
    expect(store.generation()).toBe(generation)
  })

  it('lets the same node re-key in a full /30 (its own address is freed first)', async () => {
    const { service } = await startService({ server: '10.0.0.1/30' })
    await service.init(body(KEY_A), N0_ADDRESS)
    expect((await service.init(body(KEY_B), N0_ADDRESS))['client-vpn-ip']).toBe('10.0.0.2')
  })
})

describe('wg-init failures (WG-1, WG-4)', () => {
  it('answers wireguard disabled while WireGuard is off', async () => {
    const { service } = await startService({ tunnel: null })
    expect(service.enabled()).toBe(false)
    await expect(service.init(body(KEY_A), N0_ADDRESS)).rejects.toMatchObject({
      code: 'TUNNEL_UNAVAILABLE',
      message: 'wireguard disabled',
    })
  })

  it('reports store read and save failures with the WG-4 texts', async () => {
    const failing = failingStore()
    const { service } = await startService({ store: failing.store })
    failing.fail('list', 'disk on fire')
    await expect(service.init(body(KEY_A), N0_ADDRESS)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'failed to check existing peer: disk on fire',
    })
    failing.fail('list', undefined)
    failing.fail('create', 'disk full')
    await expect(service.init(body(KEY_A), N0_ADDRESS)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'failed to save WireGuard peer intent: disk full',
    })
  })

  it('refuses an intent that does not validate before deleting anything', async () => {
    const store = createMemoryStore([storedPeer('', 'wireguardpeer-0000000000000001', '100.97.0.2/32', KEY_B)])
    const { service } = await startService({ store })
    // A client address that resolves to "" (a broken resolver) cannot name a peer.
    await expect(service.init(body(KEY_A), '10.252.0.99')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'failed to validate WireGuard peer intent: metadata.name is required',
    })
    expect(await store.list('WireGuardPeer')).toHaveLength(1)
  })

  it('passes a resolver failure through unchanged', async () => {
    const tunnel = createFakeTunnel()
    await tunnel.start({ privateKey: SERVER_PUBLIC_KEY, listenPort: 51820, address: '100.97.0.1/16' })
    const outage = new Error('inventory down')
    const service = createWireGuardService({
      store: createMemoryStore(),
      tunnel,
      server: parseServerAddress('100.97.0.1/16'),
      listenPort: 51820,
      logger: silentLogger,
      resolveNode: () => Promise.reject(outage),
    })
    await service.start()
    await expect(service.init(body(KEY_A), N0_ADDRESS)).rejects.toBe(outage)
  })
})
