import { describe, expect, it } from 'vitest'
import { MetadataError } from '../../src/errors.js'
import { createMemoryStore } from '../../src/testing/index.js'
import { KEY_A, KEY_B, KEY_C, N0, N1, UID_A, UID_B, storedPeer } from './_peers.test-data.js'
import { failingStore, startService } from './_service.test-data.js'

const N0_ADDRESS = '10.252.0.26'
const N1_ADDRESS = '10.252.0.27'
const N2_ADDRESS = '10.252.0.28'
const body = (publicKey: string) => JSON.stringify({ public_key: publicKey })

/** n0 holds KEY_A at .2 and n1 holds KEY_B at .3. */
async function twoPeers() {
  const fixture = await startService()
  await fixture.service.init(body(KEY_A), N0_ADDRESS)
  await fixture.service.init(body(KEY_B), N1_ADDRESS)
  await fixture.service.idle()
  return fixture
}

describe('phone-home (WG-10 as changed by SPEC §16, AT-39)', () => {
  it('deletes the peer by uid for its own node, removes it from the device and frees its IP; a repeat is harmless', async () => {
    const { service, store, tunnel } = await twoPeers()
    await expect(service.phoneHome(UID_A, N0_ADDRESS)).resolves.toBeUndefined()
    expect((await store.list('WireGuardPeer')).map((p) => p.metadata.uid)).toEqual([UID_B])
    expect((await tunnel?.peers())?.map((p) => p.publicKey)).toEqual([KEY_B])
    expect(service.resolveTunnelAddress('100.97.0.2')).toBeUndefined()

    await expect(service.phoneHome(UID_A, N0_ADDRESS)).resolves.toBeUndefined()
    expect((await store.list('WireGuardPeer')).map((p) => p.metadata.uid)).toEqual([UID_B])

    // The freed .2 is the next node's address.
    expect((await service.init(body(KEY_C), N2_ADDRESS))['client-vpn-ip']).toBe('100.97.0.2')
  })

  it('deletes the peer named by a node xname, asked by that node', async () => {
    const { service, store, tunnel } = await twoPeers()
    await service.phoneHome(N1, N1_ADDRESS)
    expect((await store.list('WireGuardPeer')).map((p) => p.metadata.name)).toEqual([N0])
    expect((await tunnel?.peers())?.map((p) => p.publicKey)).toEqual([KEY_A])
  })

  it('is honoured through the peer’s own tunnel address', async () => {
    const { service, store } = await twoPeers()
    // 100.97.0.3 is n1's tunnel address; the fixture inventory does not know it, ownership alone decides.
    await service.phoneHome(UID_B, '100.97.0.3')
    expect((await store.list('WireGuardPeer')).map((p) => p.metadata.name)).toEqual([N0])
  })

  it('refuses anyone else with 403 and changes nothing: another node, its tunnel address, an unknown address', async () => {
    const { service, store, tunnel, logger } = await twoPeers()
    const generation = store.generation()
    const forbidden = {
      code: 'FORBIDDEN',
      message: 'phone-home refused: only the node that owns this WireGuard peer may phone home for it (from its tunnel address or its own address)',
    }
    for (const [id, from] of [[UID_A, N1_ADDRESS], [N0, N1_ADDRESS], [UID_A, '100.97.0.3'], [UID_A, '192.168.1.1'], [N0, '127.0.0.1']] as const) {
      await expect(service.phoneHome(id, from, { reqId: 'req-x' }), `${id} from ${from}`).rejects.toMatchObject(forbidden)
    }
    expect(store.generation()).toBe(generation)
    expect((await tunnel?.peers())?.map((p) => p.publicKey).sort()).toEqual([KEY_A, KEY_B].sort())
    expect(logger.entries.find((e) => e.message === 'phone-home refused: the caller does not own the peer')).toEqual({
      level: 'warn',
      message: 'phone-home refused: the caller does not own the peer',
      fields: { reqId: 'req-x', id: UID_A, uid: UID_A, peer: N0, clientAddress: N1_ADDRESS, node: N1 },
    })
  })

  it('lets a peer stored under a client address (before §16) be released from that address only', async () => {
    const store = createMemoryStore([storedPeer('192.168.7.7', 'wireguardpeer-00000000000000a1', '100.97.0.9/32')])
    const { service } = await startService({ store })
    await expect(service.phoneHome('wireguardpeer-00000000000000a1', N0_ADDRESS)).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await service.phoneHome('wireguardpeer-00000000000000a1', '192.168.7.7')
    expect(await store.list('WireGuardPeer')).toEqual([])
  })

  it('passes an inventory outage through when the caller cannot be told apart, changing nothing', async () => {
    const { service, store } = await twoPeers()
    const outage = new MetadataError('INVENTORY_UNAVAILABLE', 'smd request failed: timeout after 10000 ms')
    const down = await startService({ store, resolveNode: () => Promise.reject(outage) })
    await expect(down.service.phoneHome(UID_A, N0_ADDRESS)).rejects.toBe(outage)
    expect(await store.list('WireGuardPeer')).toHaveLength(2)
    // Its tunnel address needs no inventory; an unknown id only finds "nothing" (WG-10: 200).
    await down.service.phoneHome(UID_A, '100.97.0.2')
    await expect(down.service.phoneHome('unknown-id', N1_ADDRESS)).resolves.toBeUndefined()
    expect((await store.list('WireGuardPeer')).map((p) => p.metadata.uid)).toEqual([UID_B])
    await service.close()
  })

  it('falls back to the peer of the caller’s node', async () => {
    const { service, store } = await twoPeers()
    await service.phoneHome('unknown-id', N0_ADDRESS, { reqId: 'req-7' })
    expect((await store.list('WireGuardPeer')).map((p) => p.metadata.name)).toEqual([N1])
  })

  it('resolves without deleting anything when nothing matches', async () => {
    const { service, store } = await twoPeers()
    const generation = store.generation()
    await service.phoneHome('unknown-id', '192.168.1.1')
    expect(store.generation()).toBe(generation)
  })

  it('carries the request id on its log lines (OPS-5)', async () => {
    const { service, logger } = await twoPeers()
    await service.phoneHome(UID_A, N0_ADDRESS, { reqId: 'req-9' })
    expect(logger.entries.find((e) => e.message === 'WireGuard peer phoned home')?.fields).toEqual({ reqId: 'req-9', uid: UID_A, name: N0, id: UID_A })
  })

  it('answers wireguard disabled while WireGuard is off', async () => {
    const { service } = await startService({ tunnel: null })
    await expect(service.phoneHome(UID_A, N0_ADDRESS)).rejects.toMatchObject({
      code: 'TUNNEL_UNAVAILABLE',
      message: 'wireguard disabled',
    })
  })

  it('reports load and delete failures with the WG-10 texts', async () => {
    const failing = failingStore()
    const { service } = await startService({ store: failing.store })
    await service.init(body(KEY_A), N0_ADDRESS)
    failing.fail('list', 'disk on fire')
    await expect(service.phoneHome(UID_A, N0_ADDRESS)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'failed to load WireGuard peer intent: disk on fire',
    })
    failing.fail('list', undefined)
    failing.fail('delete', 'read-only file system')
    await expect(service.phoneHome(UID_A, N0_ADDRESS)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'failed to delete WireGuard peer intent: read-only file system',
    })
  })
})
