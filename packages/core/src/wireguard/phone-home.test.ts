import { describe, expect, it } from 'vitest'
import { KEY_A, KEY_B, KEY_C, N0, N1, UID_A, UID_B } from './_peers.test-data.js'
import { failingStore, startService } from './_service.test-data.js'

const N0_ADDRESS = '10.252.0.26'
const N1_ADDRESS = '10.252.0.27'
const body = (publicKey: string) => JSON.stringify({ public_key: publicKey })

/** n0 holds KEY_A at .2 and n1 holds KEY_B at .3. */
async function twoPeers() {
  const fixture = await startService()
  await fixture.service.init(body(KEY_A), N0_ADDRESS)
  await fixture.service.init(body(KEY_B), N1_ADDRESS)
  await fixture.service.idle()
  return fixture
}

describe('phone-home (WG-10, AT-39)', () => {
  it('deletes the peer by uid, removes it from the device and frees its IP; a repeat is harmless', async () => {
    const { service, store, tunnel } = await twoPeers()
    await expect(service.phoneHome(UID_A, '192.168.1.1')).resolves.toBeUndefined()
    expect((await store.list('WireGuardPeer')).map((p) => p.metadata.uid)).toEqual([UID_B])
    expect((await tunnel?.peers())?.map((p) => p.publicKey)).toEqual([KEY_B])
    expect(service.resolveTunnelAddress('100.97.0.2')).toBeUndefined()

    await expect(service.phoneHome(UID_A, '192.168.1.1')).resolves.toBeUndefined()
    expect((await store.list('WireGuardPeer')).map((p) => p.metadata.uid)).toEqual([UID_B])

    // The freed .2 is the next node's address.
    expect((await service.init(body(KEY_C), '192.168.1.1'))['client-vpn-ip']).toBe('100.97.0.2')
  })

  it('deletes the peer named by a node xname', async () => {
    const { service, store, tunnel } = await twoPeers()
    await service.phoneHome(N1, '192.168.1.1')
    expect((await store.list('WireGuardPeer')).map((p) => p.metadata.name)).toEqual([N0])
    expect((await tunnel?.peers())?.map((p) => p.publicKey)).toEqual([KEY_A])
  })

  it('falls back to the peer of the caller’s node', async () => {
    const { service, store } = await twoPeers()
    await service.phoneHome('unknown-id', N0_ADDRESS)
    expect((await store.list('WireGuardPeer')).map((p) => p.metadata.name)).toEqual([N1])
  })

  it('resolves without deleting anything when nothing matches', async () => {
    const { service, store } = await twoPeers()
    const generation = store.generation()
    await service.phoneHome('unknown-id', '192.168.1.1')
    expect(store.generation()).toBe(generation)
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
