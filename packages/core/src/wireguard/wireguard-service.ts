import type { WireGuardPeer } from '../domain/wireguard-peer.js'
import { MetadataError, isMetadataError } from '../errors.js'
import { parseHostAddress } from '../ip/host-address.js'
import { systemClock } from '../ports/clock.js'
import type { Logger } from '../ports/logger.js'
import type { ResourceStore } from '../ports/resource-store.js'
import { identifyCaller, ownsPeer } from './_caller.js'
import { createReconciler, errorText } from './_reconciler.js'
import { createSerialQueue } from './_serial-queue.js'
import { createTunnelMap } from './_tunnel-map.js'
import { allocatePeerAddress, allowedIpHost } from './allocator.js'
import { wireGuardPeerUid } from './keys.js'
import { buildPeerIntent, wgInitAccepted, type WgInitAccepted } from './peer-intent.js'
import type { ParsedServerAddress } from './server-address.js'
import { parseWgInitRequest } from './wg-init-request.js'
import {
  PHONE_HOME_FORBIDDEN_MESSAGE,
  WG_INIT_UNKNOWN_NODE_MESSAGE,
  WIREGUARD_DISABLED_MESSAGE,
  type WireGuardService,
  type WireGuardServiceDeps,
} from './wireguard-service-api.js'

/** WG-10: how long a held device removal waits for the answer at most, in milliseconds. */
const ANSWER_WAIT_MS = 5_000
/** WG-10: time after the answer was handed to the OS before the peer leaves the device, in milliseconds. */
const ANSWER_GRACE_MS = 1_000
/**
 * WG-6 with several replicas on one shared store (adapter-postgres): the store's unique indexes make a create CONFLICT
 * when another replica stored the same address, key or node meanwhile. `init` then lists again (the other write
 * reaches this replica's cache within moments), skips the lost address and tries again, this many times at most,
 * waiting, outside the request queue, {@link RETRY_DELAY_MS} doubled per lost race (at most {@link MAX_RETRY_DELAY_MS}) between tries. The
 * doubling matters under load: while the other replica's writes are still on their way, a burst of requests on it
 * takes the next addresses too, and five quick tries (125 ms) were seen to lose every race. A single replica never
 * sees such a CONFLICT.
 */
const ALLOCATION_ATTEMPTS = 8
const RETRY_DELAY_MS = 25
const MAX_RETRY_DELAY_MS = 1_000

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
    async init(body, clientAddress, options = {}) {
      const pool = requireEnabled()
      const key = parseWgInitRequest(body)
      const uid = wireGuardPeerUid(key)
      const log = requestLogger(options.reqId)
      const requester = await resolveRequester(clientAddress, log)
      // Addresses another replica sharing the store took after our list was read (see ALLOCATION_ATTEMPTS).
      const lost: string[] = []
      for (let attempt = 1; ; attempt++) {
        // One attempt holds the queue; the wait after a lost race does not, so this process's other WireGuard
        // requests go on meanwhile (the next attempt lists the peers again anyway).
        const outcome = await lifecycle.run(async (): Promise<{ answer: WgInitAccepted } | { lostIp: string }> => {
          const peers = await listPeers('failed to check existing peer')
          const existing = peers.find((p) => p.metadata.uid === uid)
          // WG-6 / SEC-7: a known key keeps its peer and address, whichever node asks.
          if (existing) return { answer: accepted(existing.metadata.uid, allowedIpHost(existing.spec.allowed_ip) ?? existing.spec.allowed_ip) }
          const previous = peers.filter((p) => p.metadata.name === requester)
          const ip = allocatePeerAddress(pool, [
            ...peers.filter((p) => p.metadata.name !== requester).map((p) => p.spec.allowed_ip),
            ...lost,
          ])
          const created = buildPeerIntent({ key, requester, ip, now: clock.now() })
          const touched = [created, ...previous].map((p) => p.metadata.uid)
          for (const touchedUid of touched) reconciler.tagRequest(touchedUid, options.reqId)
          try {
            await replacePeers(store, previous, created)
          } catch (err) {
            for (const touchedUid of touched) reconciler.tagRequest(touchedUid, undefined)
            if (attempt >= ALLOCATION_ATTEMPTS || !isMetadataError((err as Error).cause, 'CONFLICT')) throw err
            return { lostIp: ip }
          }
          log.info('WireGuard peer allocated', { uid: created.metadata.uid, requester, ip, replaced: previous.length })
          return { answer: accepted(created.metadata.uid, ip) }
        })
        if ('answer' in outcome) return outcome.answer
        lost.push(outcome.lostIp)
        log.info('WireGuard allocation lost a race; allocating again', { requester, ip: outcome.lostIp, attempt })
        await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_DELAY_MS * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS)))
      }
    },
    async phoneHome(id, clientAddress, options = {}) {
      requireEnabled()
      const log = requestLogger(options.reqId)
      // Before the queue: an inventory lookup must not hold up other WireGuard requests.
      const caller = await identifyCaller(deps.resolveNode, clientAddress)
      await lifecycle.run(async () => {
        const peers = await listPeers('failed to load WireGuard peer intent')
        const named = peers.find((p) => p.metadata.uid === id) ?? peers.find((p) => p.metadata.name === id)
        if (named !== undefined && !ownsPeer(caller, named)) {
          // Cannot tell who calls (SMD outage): refuse with that error; the node retries (cloud-init phone_home does).
          if (caller.error !== undefined) throw caller.error
          log.warn('phone-home refused: the caller does not own the peer', { id, uid: named.metadata.uid, peer: named.metadata.name, clientAddress, node: caller.node })
          throw new MetadataError('FORBIDDEN', PHONE_HOME_FORBIDDEN_MESSAGE)
        }
        if (named === undefined && caller.error !== undefined) {
          // WG-10 answers 200 when nothing matches; an outage only means "no target".
          log.warn('phone-home could not resolve the caller', { clientAddress, error: errorText(caller.error) })
        }
        const target = named ?? (caller.node === undefined ? undefined : peers.find((p) => p.metadata.name === caller.node))
        if (target === undefined) return
        const { answered } = options
        reconciler.tagRequest(target.metadata.uid, options.reqId)
        // Before the delete: its change reaches the reconciler synchronously.
        const release = answered === undefined ? undefined : reconciler.holdRemoval(target.metadata.uid, afterAnswer(answered))
        try {
          await store.delete('WireGuardPeer', target.metadata.uid)
        } catch (err) {
          release?.()
          reconciler.tagRequest(target.metadata.uid, undefined)
          if (!isMetadataError(err, 'NOT_FOUND')) throw storageFailed('failed to delete WireGuard peer intent', err)
        }
        log.info('WireGuard peer phoned home', { uid: target.metadata.uid, name: target.metadata.name, id })
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

  /** `logger` with the request id on every line (OPS-5), or `logger` itself outside a request. */
  function requestLogger(reqId: string | undefined): Logger {
    return reqId === undefined ? logger : logger.child({ reqId })
  }

  /** WG-6 with SPEC §16: the requester is the node the client address resolves to; no node, no allocation. */
  async function resolveRequester(clientAddress: string, log: Logger): Promise<string> {
    try {
      return await deps.resolveNode(clientAddress)
    } catch (err) {
      if (!isMetadataError(err, 'NODE_NOT_FOUND')) throw err
      log.info('wg-init from an address that is no known node; nothing allocated', { clientAddress })
      throw new MetadataError('NODE_NOT_FOUND', WG_INIT_UNKNOWN_NODE_MESSAGE, { cause: err })
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
