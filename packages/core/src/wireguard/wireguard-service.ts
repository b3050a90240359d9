import type { WireGuardPeer } from '../domain/wireguard-peer.js'
import { MetadataError, isMetadataError } from '../errors.js'
import { parseHostAddress } from '../ip/host-address.js'
import { systemClock, type Clock } from '../ports/clock.js'
import type { Logger } from '../ports/logger.js'
import type { ResourceStore } from '../ports/resource-store.js'
import type { Tunnel } from '../ports/tunnel.js'
import { createReconciler, errorText } from './_reconciler.js'
import { createSerialQueue } from './_serial-queue.js'
import { createTunnelMap } from './_tunnel-map.js'
import { allocatePeerAddress, allowedIpHost } from './allocator.js'
import { wireGuardPeerUid } from './keys.js'
import { buildPeerIntent, type WgInitAccepted, wgInitAccepted } from './peer-intent.js'
import type { ParsedServerAddress } from './server-address.js'
import { parseWgInitRequest } from './wg-init-request.js'

/** WG-1: what `/wg-init` and `/phone-home/{id}` answer (503) while WireGuard is off or failed. */
export const WIREGUARD_DISABLED_MESSAGE = 'wireguard disabled'

/** WG-10: how long a held device removal waits for the answer at most, in milliseconds. */
const ANSWER_WAIT_MS = 5_000
/** WG-10: time after the answer was handed to the OS before the peer leaves the device, in milliseconds. */
const ANSWER_GRACE_MS = 1_000
/**
 * WG-6 with several replicas on one shared store (adapter-postgres): the store's unique indexes make a create CONFLICT
 * when another replica stored the same address, key or node meanwhile. `init` then lists again (the other write
 * reaches this replica's cache within moments), skips the lost address and tries again, this many times at most,
 * waiting {@link RETRY_DELAY_MS} × attempt between tries. A single replica never sees such a CONFLICT.
 */
const ALLOCATION_ATTEMPTS = 5
const RETRY_DELAY_MS = 25

/** Options of {@link WireGuardService.phoneHome}. */
export interface PhoneHomeOptions {
  /**
   * Settles once the answer has been handed to the network (the HTTP layer passes the response's end). A node
   * phones home through its own tunnel (WG-12), so removing its peer first would drop the 200 on the way back: when
   * given, the store delete (and the freed IP) happens at once, while the device removal waits for this, at most
   * 5 s, plus 1 s for the answer to cross the tunnel; `phoneHome` then resolves without waiting for the device.
   */
  readonly answered?: Promise<unknown>
}

/** What {@link createWireGuardService} needs. WireGuard is on only when both `tunnel` and `server` are given. */
export interface WireGuardServiceDeps {
  readonly store: ResourceStore
  /** The started device, or `undefined` when WireGuard is off (WG-1). Stopped by `close()`. */
  readonly tunnel: Tunnel | undefined
  /** The parsed `wireguard_server`, or `undefined` when off. */
  readonly server: ParsedServerAddress | undefined
  /** Base64 public key of the server, sent as `server-public-key` (WG-4). Default `""`. */
  readonly serverPublicKey?: string
  /** `wireguard_listen_port`, sent as `server-port` (a string) (WG-4). */
  readonly listenPort: number
  /** Timestamps of created peers. Default: the system clock. */
  readonly clock?: Clock
  readonly logger: Logger
  /**
   * WG-6: the requester of a client address, i.e. the node's xname as ID-1..4 resolve it, else the address string
   * itself. May reject (e.g. INVENTORY_UNAVAILABLE); `init` then rejects with that error, `phoneHome` ignores it.
   */
  readonly resolveRequester: (address: string) => Promise<string>
}

/** The WireGuard bootstrap use cases (WG-4..WG-10, WG-12). */
export interface WireGuardService {
  /** True while WireGuard is on: a tunnel and a server address were given and the device has not died. */
  enabled(): boolean
  /**
   * `POST /wg-init` (WG-4, WG-6). Resolves with the 202 payload. Rejects with MetadataErrors whose messages are the
   * exact WG-4 texts: TUNNEL_UNAVAILABLE `wireguard disabled` (503); INVALID_BODY `invalid request`;
   * VALIDATION_FAILED `public_key is required` / `… must be valid base64` / `… must decode to 32 bytes` /
   * `failed to validate WireGuard peer intent: <err>` (400); INTERNAL `failed to check existing peer: <err>` /
   * `failed to save WireGuard peer intent: <err>` (500); POOL_EXHAUSTED
   * `failed to allocate WireGuard IP: no available IPs` (500); or whatever `resolveRequester` rejects with.
   */
  init(body: unknown, clientAddress: string): Promise<WgInitAccepted>
  /**
   * `POST /phone-home/{id}` (WG-10): deletes the peer whose uid is `id`, else the one named `id`, else the one of the
   * caller's node, and removes it from the device (once done, or after `options.answered`: see
   * {@link PhoneHomeOptions}). Resolves (answer 200, empty body) also when nothing matched.
   * Rejects with TUNNEL_UNAVAILABLE `wireguard disabled`, or INTERNAL (500)
   * `failed to load WireGuard peer intent: <err>` / `failed to delete WireGuard peer intent: <err>`.
   */
  phoneHome(id: string, clientAddress: string, options?: PhoneHomeOptions): Promise<void>
  /** Loads the tunnel map, subscribes to the store and reconciles every peer (WG-8). Call once, after the device started. */
  start(): Promise<void>
  /** Reconciles every stored peer again and resolves when done (WG-8). */
  reconcile(): Promise<void>
  /** Resolves once queued reconcile work is done (tests, shutdown). */
  idle(): Promise<void>
  /**
   * WG-9: the name of the stored peer whose allowed_ip host is `address` (canonical text, as ID-1 normalises it:
   * `100.97.0.2`), or `undefined` (also while WireGuard is off). A Map lookup, safe on the hot path. The caller
   * checks that the name is a known node before using it (ID-4), else falls through to the inventory.
   */
  resolveTunnelAddress(address: string): string | undefined
  /** WG-9: a copy of the map, tunnel host → peer name. Empty while WireGuard is off. */
  tunnelMap(): ReadonlyMap<string, string>
  /**
   * WG-12: true when the socket peer address (any form ID-1 accepts) is loopback or inside the WireGuard network,
   * network and broadcast addresses included. Unparsable addresses, and every address while off, give false.
   */
  isInsideTunnelNetwork(socketAddress: string): boolean
  /** Unsubscribes, waits for queued work and stops the tunnel. */
  close(): Promise<void>
}

/** Creates the service. Nothing runs until {@link WireGuardService.start}. */
export function createWireGuardService(deps: WireGuardServiceDeps): WireGuardService {
  const { store, tunnel, server, logger } = deps
  const clock = deps.clock ?? systemClock
  let deviceFailed = false
  const enabled = () => tunnel !== undefined && server !== undefined && !deviceFailed
  const lifecycle = createSerialQueue()
  const map = createTunnelMap()
  const reconciler = createReconciler({ store, tunnel, logger, active: enabled })
  const cleanups: (() => void)[] = []
  const timers = new Set<ReturnType<typeof setTimeout>>()
  // Timers are cleared by close(): a removal still held then is moot (the device stops) and must not delay exit.
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve()
      }, ms)
      timers.add(timer)
    })
  const afterAnswer = (answered: Promise<unknown>) =>
    Promise.race([answered.catch(() => undefined), sleep(ANSWER_WAIT_MS)]).then(() => sleep(ANSWER_GRACE_MS))

  const requireEnabled = (): ParsedServerAddress => {
    if (!enabled() || server === undefined) throw new MetadataError('TUNNEL_UNAVAILABLE', WIREGUARD_DISABLED_MESSAGE)
    return server
  }
  const listPeers = async (failure: string) => {
    try {
      return await store.list('WireGuardPeer')
    } catch (err) {
      throw storageFailed(failure, err)
    }
  }
  const accepted = (uid: string, clientIp: string) =>
    wgInitAccepted({ uid, clientIp, serverPublicKey: deps.serverPublicKey ?? '', server: requireEnabled(), port: deps.listenPort })

  return {
    enabled,
    async init(body, clientAddress) {
      const pool = requireEnabled()
      const key = parseWgInitRequest(body)
      const uid = wireGuardPeerUid(key)
      return lifecycle.run(async () => {
        // Addresses another replica sharing the store took after our list was read (see ALLOCATION_ATTEMPTS).
        const lost: string[] = []
        let requester: string | undefined
        for (let attempt = 1; ; attempt++) {
          const peers = await listPeers('failed to check existing peer')
          const existing = peers.find((p) => p.metadata.uid === uid)
          // WG-6 / SEC-7: a known key keeps its peer and address, whoever asks.
          if (existing) return accepted(existing.metadata.uid, allowedIpHost(existing.spec.allowed_ip) ?? existing.spec.allowed_ip)
          requester ??= await deps.resolveRequester(clientAddress)
          const previous = peers.filter((p) => p.metadata.name === requester)
          const ip = allocatePeerAddress(pool, [
            ...peers.filter((p) => p.metadata.name !== requester).map((p) => p.spec.allowed_ip),
            ...lost,
          ])
          const created = buildPeerIntent({ key, requester, ip, now: clock.now() })
          try {
            await replacePeers(store, previous, created)
          } catch (err) {
            if (attempt >= ALLOCATION_ATTEMPTS || !isMetadataError((err as Error).cause, 'CONFLICT')) throw err
            lost.push(ip)
            logger.info('WireGuard allocation lost a race; allocating again', { requester, ip, attempt })
            await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt))
            continue
          }
          logger.info('WireGuard peer allocated', { uid: created.metadata.uid, requester, ip, replaced: previous.length })
          return accepted(created.metadata.uid, ip)
        }
      })
    },
    async phoneHome(id, clientAddress, options = {}) {
      requireEnabled()
      await lifecycle.run(async () => {
        const peers = await listPeers('failed to load WireGuard peer intent')
        const target =
          peers.find((p) => p.metadata.uid === id) ??
          peers.find((p) => p.metadata.name === id) ??
          (await peerOfCaller(peers, clientAddress))
        if (target === undefined) return
        const { answered } = options
        // Before the delete: its change reaches the reconciler synchronously.
        const release = answered === undefined ? undefined : reconciler.holdRemoval(target.metadata.uid, afterAnswer(answered))
        try {
          await store.delete('WireGuardPeer', target.metadata.uid)
        } catch (err) {
          release?.()
          if (!isMetadataError(err, 'NOT_FOUND')) throw storageFailed('failed to delete WireGuard peer intent', err)
        }
        logger.info('WireGuard peer phoned home', { uid: target.metadata.uid, name: target.metadata.name, id })
        // The delete's change queued the device removal; without a held answer, wait for it so the answer means "gone".
        if (answered === undefined) await reconciler.barrier()
      })
    },
    async start() {
      cleanups.push(
        store.subscribe((change) => {
          map.apply(change)
          reconciler.handle(change)
        }),
      )
      if (tunnel !== undefined && server !== undefined) {
        cleanups.push(
          tunnel.onExit((reason) => {
            deviceFailed = true
            logger.error(`WireGuard device failed: ${reason}; running without WireGuard`)
            reconciler.reconcileAll().catch((err: unknown) => logger.error('WireGuard reconcile failed', { error: errorText(err) }))
          }),
        )
      }
      map.load(await store.list('WireGuardPeer'))
      await reconciler.reconcileAll()
    },
    reconcile: () => reconciler.reconcileAll(),
    idle: () => reconciler.idle(),
    resolveTunnelAddress(address) {
      return enabled() ? map.lookup(address) : undefined
    },
    tunnelMap: () => (enabled() ? map.snapshot() : new Map()),
    isInsideTunnelNetwork(socketAddress) {
      const ip = parseHostAddress(socketAddress)
      if (ip === undefined || !enabled() || server === undefined) return false
      if (ip.family === 6) return ip.address === '::1'
      const value = Number(ip.value)
      return value >>> 24 === 127 || (value >= server.networkInt && value <= server.broadcastInt)
    },
    async close() {
      for (const cleanup of cleanups.splice(0)) cleanup()
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      await lifecycle.idle()
      await reconciler.idle()
      await tunnel?.stop()
    },
  }

  async function peerOfCaller(peers: readonly WireGuardPeer[], clientAddress: string) {
    try {
      const requester = await deps.resolveRequester(clientAddress)
      return peers.find((p) => p.metadata.name === requester)
    } catch (err) {
      // WG-10 always answers 200 unless storage fails; an inventory outage only means "no target".
      logger.warn('phone-home could not resolve the caller', { clientAddress, error: errorText(err) })
      return undefined
    }
  }
}

// --- internal ---

/** WG-6: one peer per node. Deletes the requester's previous peers, then stores the new one. */
async function replacePeers(store: ResourceStore, previous: readonly WireGuardPeer[], created: WireGuardPeer) {
  try {
    for (const old of previous) {
      await store.delete('WireGuardPeer', old.metadata.uid).catch((err: unknown) => {
        if (!isMetadataError(err, 'NOT_FOUND')) throw err
      })
    }
    await store.create(created)
  } catch (err) {
    throw storageFailed('failed to save WireGuard peer intent', err)
  }
}

/**
 * WG-4 and WG-10 answer a storage failure with 500 and this text, where the store's own STORAGE_FAILED would map to
 * a 503: so the lifecycle reports it as INTERNAL (500, message shown), keeping the store error as the cause.
 */
function storageFailed(prefix: string, err: unknown): MetadataError {
  return new MetadataError('INTERNAL', `${prefix}: ${errorText(err)}`, { cause: err })
}
