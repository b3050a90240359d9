import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Tunnel, TunnelPeer, TunnelStartOptions } from '../ports/tunnel.js'
import { generateWireGuardKeyPair } from '../wireguard/keys.js'

/** What a {@link describeTunnel} factory returns: a fresh, not yet started tunnel and how to start and dispose of it. */
export interface TunnelFixture {
  readonly tunnel: Tunnel
  /** Options that start this tunnel: a usable key, a free UDP port and an address for its device. */
  readonly startOptions: TunnelStartOptions
  /** Runs after each test, after the suite stopped the tunnel (whether the test passed or not). */
  readonly cleanup?: () => Promise<void>
}

const unavailable = { code: 'TUNNEL_UNAVAILABLE' }
const sorted = (peers: readonly TunnelPeer[]) =>
  [...peers].map((p) => ({ publicKey: p.publicKey, allowedIps: p.allowedIps })).sort((a, b) => a.publicKey.localeCompare(b.publicKey))

/**
 * The {@link Tunnel} contract (STYLE 6), run against `createFakeTunnel` in core and against the wireguard-go adapter
 * on a real device: peer calls outside start…stop reject with TUNNEL_UNAVAILABLE; keys are standard base64 both ways;
 * an upsert replaces a peer's allowed IPs; removing an absent peer succeeds; a bad key or CIDR is refused and changes
 * nothing; `stop` does not report an exit. `factory` is called once per test.
 */
export function describeTunnel(name: string, factory: () => Promise<TunnelFixture>): void {
  describe(`Tunnel contract: ${name}`, () => {
    let fixture: TunnelFixture
    let tunnel: Tunnel
    const start = () => tunnel.start(fixture.startOptions)
    beforeEach(async () => {
      fixture = await factory()
      tunnel = fixture.tunnel
    })
    afterEach(async () => {
      await tunnel.stop()
      await fixture.cleanup?.()
    })

    it('rejects peer calls before start', async () => {
      const { publicKey } = generateWireGuardKeyPair()
      await expect(tunnel.upsertPeer(publicKey, '10.9.0.2/32')).rejects.toMatchObject(unavailable)
      await expect(tunnel.removePeer(publicKey)).rejects.toMatchObject(unavailable)
      await expect(tunnel.peers()).rejects.toMatchObject(unavailable)
    })

    it('starts without peers', async () => {
      await start()
      expect(await tunnel.peers()).toEqual([])
    })

    it('reports an upserted peer by its base64 key with its one allowed IP, and no handshake yet', async () => {
      await start()
      const { publicKey } = generateWireGuardKeyPair()
      await tunnel.upsertPeer(publicKey, '10.9.0.2/32')
      expect(await tunnel.peers()).toEqual([{ publicKey, allowedIps: ['10.9.0.2/32'] }])
    })

    it("replaces a peer's allowed IP when it is upserted again", async () => {
      await start()
      const { publicKey } = generateWireGuardKeyPair()
      await tunnel.upsertPeer(publicKey, '10.9.0.2/32')
      await tunnel.upsertPeer(publicKey, '10.9.0.3/32')
      expect(sorted(await tunnel.peers())).toEqual([{ publicKey, allowedIps: ['10.9.0.3/32'] }])
    })

    it('removes one peer and keeps the others; removing an absent peer succeeds', async () => {
      await start()
      const [a, b] = [generateWireGuardKeyPair().publicKey, generateWireGuardKeyPair().publicKey]
      await tunnel.upsertPeer(a, '10.9.0.2/32')
      await tunnel.upsertPeer(b, '10.9.0.3/32')
      expect(sorted(await tunnel.peers())).toEqual(sorted([
        { publicKey: a, allowedIps: ['10.9.0.2/32'] },
        { publicKey: b, allowedIps: ['10.9.0.3/32'] },
      ]))
      await tunnel.removePeer(a)
      await tunnel.removePeer(a)
      expect(sorted(await tunnel.peers())).toEqual([{ publicKey: b, allowedIps: ['10.9.0.3/32'] }])
    })

    it('refuses a bad key or allowed IP with TUNNEL_UNAVAILABLE and changes nothing', async () => {
      await start()
      const { publicKey } = generateWireGuardKeyPair()
      await tunnel.upsertPeer(publicKey, '10.9.0.2/32')
      await expect(tunnel.upsertPeer('not-a-key', '10.9.0.4/32')).rejects.toMatchObject(unavailable)
      await expect(tunnel.upsertPeer(Buffer.alloc(16).toString('base64'), '10.9.0.4/32')).rejects.toMatchObject(unavailable)
      await expect(tunnel.upsertPeer(publicKey, '10.9.0.300/32')).rejects.toMatchObject(unavailable)
      await expect(tunnel.upsertPeer(publicKey, '10.9.0.4')).rejects.toMatchObject(unavailable)
      await expect(tunnel.removePeer('not-a-key')).rejects.toMatchObject(unavailable)
      expect(await tunnel.peers()).toEqual([{ publicKey, allowedIps: ['10.9.0.2/32'] }])
    })

    it('rejects peer calls after stop without reporting an exit; stopping again is harmless', async () => {
      const exits: string[] = []
      await start()
      tunnel.onExit((reason) => exits.push(reason))
      await tunnel.stop()
      await new Promise((resolve) => setImmediate(resolve))
      expect(exits).toEqual([])
      await expect(tunnel.peers()).rejects.toMatchObject(unavailable)
      await expect(tunnel.upsertPeer(generateWireGuardKeyPair().publicKey, '10.9.0.2/32')).rejects.toMatchObject(unavailable)
      await expect(tunnel.stop()).resolves.toBeUndefined()
    })
  })
}
