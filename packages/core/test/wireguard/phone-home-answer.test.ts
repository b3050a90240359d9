import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { KEY_A, KEY_B, UID_A } from './_peers.test-data.js'
import { startService } from './_service.test-data.js'

// WG-10 through the tunnel: a node phones home over its own peer, so the device removal waits until the 200 has
// been handed to the network (`answered`), plus a grace of 1 s, at most 5 s; the store delete and the freed IP don't.

const N0_ADDRESS = '10.252.0.26'
const N1_ADDRESS = '10.252.0.27'
const body = (publicKey: string) => JSON.stringify({ public_key: publicKey })

/** A promise settled by hand, standing in for the HTTP response's end. */
function answer() {
  let settle!: () => void
  const promise = new Promise<void>((resolve) => (settle = resolve))
  return { promise, settle }
}

async function withPeer() {
  const fixture = await startService()
  await fixture.service.init(body(KEY_A), N0_ADDRESS)
  await fixture.service.idle()
  return fixture
}

const deviceKeys = async (fixture: Awaited<ReturnType<typeof withPeer>>) => (await fixture.tunnel?.peers())?.map((p) => p.publicKey)

describe('phone-home with a held answer (WG-10)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('deletes the intent and frees the IP at once, and takes the peer off the device after the answer and the grace', async () => {
    const fixture = await withPeer()
    const sent = answer()
    await fixture.service.phoneHome(UID_A, N0_ADDRESS, { answered: sent.promise })
    expect(await fixture.store.list('WireGuardPeer')).toEqual([])
    expect(fixture.service.resolveTunnelAddress('100.97.0.2')).toBeUndefined()
    await vi.advanceTimersByTimeAsync(4_000)
    await fixture.service.idle()
    expect(await deviceKeys(fixture)).toEqual([KEY_A])

    sent.settle()
    await vi.advanceTimersByTimeAsync(999)
    await fixture.service.idle()
    expect(await deviceKeys(fixture)).toEqual([KEY_A])
    await vi.advanceTimersByTimeAsync(1)
    await fixture.service.idle()
    expect(await deviceKeys(fixture)).toEqual([])
    // The freed address is the next node's.
    expect((await fixture.service.init(body(KEY_B), N1_ADDRESS))['client-vpn-ip']).toBe('100.97.0.2')
  })

  it('stops waiting for an answer that never settles after 5 s', async () => {
    const fixture = await withPeer()
    await fixture.service.phoneHome(UID_A, N0_ADDRESS, { answered: new Promise(() => undefined) })
    await vi.advanceTimersByTimeAsync(5_999)
    await fixture.service.idle()
    expect(await deviceKeys(fixture)).toEqual([KEY_A])
    await vi.advanceTimersByTimeAsync(1)
    await fixture.service.idle()
    expect(await deviceKeys(fixture)).toEqual([])
  })

  it('keeps the peer on the device when the same key came back meanwhile', async () => {
    const fixture = await withPeer()
    const sent = answer()
    await fixture.service.phoneHome(UID_A, N0_ADDRESS, { answered: sent.promise })
    await fixture.service.init(body(KEY_A), N0_ADDRESS)
    sent.settle()
    await vi.advanceTimersByTimeAsync(1_000)
    await fixture.service.idle()
    expect((await fixture.store.list('WireGuardPeer')).map((p) => [p.metadata.uid, p.status])).toEqual([
      [UID_A, { phase: 'Ready', ready: true, message: 'wireguard peer reconciled', version: 'v1' }],
    ])
    expect((await fixture.tunnel?.peers())?.map((p) => [p.publicKey, p.allowedIps])).toEqual([[KEY_A, ['100.97.0.2/32']]])
  })

  it('leaves nothing pending after close', async () => {
    const fixture = await withPeer()
    await fixture.service.phoneHome(UID_A, N0_ADDRESS, { answered: new Promise(() => undefined) })
    await fixture.service.close()
    expect(vi.getTimerCount()).toBe(0)
  })
})
