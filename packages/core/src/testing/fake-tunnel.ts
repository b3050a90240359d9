import { MetadataError, isMetadataError } from '../errors.js'
import { parseCidr } from '../ip/cidr.js'
import type { Tunnel, TunnelPeer, TunnelStartOptions } from '../ports/tunnel.js'
import { checkWireGuardKey } from '../wireguard/keys.js'

/** One recorded call of a {@link FakeTunnel}. */
export type FakeTunnelCall =
  | { readonly method: 'start'; readonly options: TunnelStartOptions }
  | { readonly method: 'upsertPeer'; readonly publicKey: string; readonly allowedIp: string }
  | { readonly method: 'removePeer'; readonly publicKey: string }
  | { readonly method: 'peers' }
  | { readonly method: 'stop' }

/** An in-memory {@link Tunnel} with recorded calls and injectable failures. */
export interface FakeTunnel extends Tunnel {
  /** Every call, in order (failed ones included). */
  readonly calls: FakeTunnelCall[]
  /** The options of the last successful `start`, or `undefined` before it. */
  readonly startedWith: TunnelStartOptions | undefined
  /** True between a successful `start` and `stop` or `die`. */
  readonly running: boolean
  /**
   * The next `times` (default 1) calls of start, upsertPeer, removePeer or peers reject with
   * `MetadataError('TUNNEL_UNAVAILABLE', message)` (default `device error`) and change nothing.
   */
  failNext(message?: string, times?: number): void
  /** Simulates the device process dying: exit listeners get `reason`, later calls reject. */
  die(reason: string): void
  /** Records a handshake of a peer at `atMs` (Unix ms), as `peers()` then reports it. */
  handshake(publicKey: string, atMs: number): void
}

/**
 * A fake WireGuard device for tests. Like the real one (both run `describeTunnel`): `start` clears all peers
 * (`replace_peers=true`), keys must be base64 of 32 bytes and allowed IPs a CIDR, `upsertPeer` replaces the peer's
 * allowed IPs, removing an absent peer succeeds, and calls outside start…stop reject with TUNNEL_UNAVAILABLE.
 */
export function createFakeTunnel(): FakeTunnel {
  const calls: FakeTunnelCall[] = []
  const peers = new Map<string, { allowedIps: string[]; lastHandshakeAt?: number }>()
  const listeners = new Set<(reason: string) => void>()
  let failures: { message: string; left: number } | undefined
  let startedWith: TunnelStartOptions | undefined
  let running = false

  const gate = (needsRunning = true) => {
    if (failures !== undefined && failures.left > 0) {
      failures.left -= 1
      throw new MetadataError('TUNNEL_UNAVAILABLE', failures.message)
    }
    if (needsRunning && !running) throw new MetadataError('TUNNEL_UNAVAILABLE', 'wireguard device is not running')
  }
  const keyOf = (publicKey: string) => {
    const check = checkWireGuardKey(publicKey)
    if (!check.ok) throw new MetadataError('TUNNEL_UNAVAILABLE', `invalid peer key: ${check.message}`)
    return check.key
  }

  const cidrOf = (allowedIp: string) => {
    try {
      return parseCidr(allowedIp).text
    } catch (err) {
      if (!isMetadataError(err)) throw err
      throw new MetadataError('TUNNEL_UNAVAILABLE', `invalid allowed IP: ${err.message}`, { cause: err })
    }
  }

  return {
    calls,
    get startedWith() {
      return startedWith
    },
    get running() {
      return running
    },
    async start(options) {
      calls.push({ method: 'start', options })
      gate(false)
      peers.clear()
      startedWith = options
      running = true
    },
    async upsertPeer(publicKey, allowedIp) {
      calls.push({ method: 'upsertPeer', publicKey, allowedIp })
      gate()
      const key = keyOf(publicKey)
      const cidr = cidrOf(allowedIp)
      peers.set(key, { ...peers.get(key), allowedIps: [cidr] })
    },
    async removePeer(publicKey) {
      calls.push({ method: 'removePeer', publicKey })
      gate()
      peers.delete(keyOf(publicKey))
    },
    async peers() {
      calls.push({ method: 'peers' })
      gate()
      return [...peers].map(([publicKey, peer]): TunnelPeer => ({ publicKey, ...structuredClone(peer) }))
    },
    onExit(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    async stop() {
      calls.push({ method: 'stop' })
      running = false
      listeners.clear()
    },
    failNext(message = 'device error', times = 1) {
      failures = { message, left: times }
    },
    die(reason) {
      if (!running) return
      running = false
      for (const listener of [...listeners]) listener(reason)
      listeners.clear()
    },
    handshake(publicKey, atMs) {
      const peer = peers.get(keyOf(publicKey))
      if (peer) peer.lastHandshakeAt = atMs
    },
  }
}
