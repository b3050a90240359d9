import type { WireGuardPeer, WireGuardPeerStatus } from '../domain/wireguard-peer.js'
import { isMetadataError } from '../errors.js'
import { parseCidr } from '../ip/cidr.js'
import type { Logger } from '../ports/logger.js'
import type { ResourceChange, ResourceStore } from '../ports/resource-store.js'
import type { Tunnel } from '../ports/tunnel.js'
import { badCidrStatus, deviceErrorStatus, hasStatus, peerFingerprint, PEER_STATUS } from './_peer-status.js'
import { createSerialQueue } from './_serial-queue.js'

/** What the reconciler needs. */
export interface ReconcilerDeps {
  readonly store: ResourceStore
  readonly tunnel: Tunnel | undefined
  readonly logger: Logger
  /** False while WireGuard is off or failed: peers then get the WG-8 "not configured" status. */
  readonly active: () => boolean
}

/** WG-8: keeps the device in step with the stored WireGuardPeers and writes the outcome as status. */
export interface Reconciler {
  /** Handles one store change (called synchronously from the change feed; the work is queued). */
  handle(change: ResourceChange): void
  /** Queues a pass over every stored peer and resolves when it is done. */
  reconcileAll(): Promise<void>
  /** Resolves after everything queued so far has been applied. */
  barrier(): Promise<void>
  /** Resolves once the queue is empty. */
  idle(): Promise<void>
  /**
   * WG-10: the next delete of `uid` takes its peer off the device only once `until` settles (other device work goes
   * on meanwhile). If a peer with that uid is stored again by then (the same key came back), it is re-applied instead.
   * Returns a function that drops the hold (for a delete that did not happen).
   */
  holdRemoval(uid: string, until: Promise<unknown>): () => void
  /**
   * The next change of `uid` comes from the request `reqId` (OPS-5): the log lines of its device work carry that
   * id. Call right before the write; `undefined` drops the tag (the write failed, or there is no request).
   */
  tagRequest(uid: string, reqId: string | undefined): void
}

/**
 * Device work runs on one queue, in the order of the store's changes, so an upsert and a later delete of the same
 * peer reach the device in that order. Status writes are our own changes too: each is remembered by uid, the
 * resourceVersion it will get and its fingerprint, and its change is not reconciled again. A write by anyone else
 * (even one repeating the same spec) is reconciled, so an admin can retry after a device error.
 */
export function createReconciler(deps: ReconcilerDeps): Reconciler {
  const { store, tunnel, logger } = deps
  const queue = createSerialQueue()
  /** uid → public key last given to the device for it. */
  const applied = new Map<string, string>()
  /** uid → our pending status write. */
  const ownWrites = new Map<string, { readonly version: string; readonly fingerprint: string }>()
  /** uid → when its next delete may reach the device. */
  const holds = new Map<string, Promise<unknown>>()
  /** uid → the request whose write is the uid's next change. */
  const requests = new Map<string, string>()
  /** The logger for the work of `uid`'s change now handled: with its request id when a request caused it. */
  const loggerFor = (uid: string): Logger => {
    const reqId = requests.get(uid)
    requests.delete(uid)
    return reqId === undefined ? logger : logger.child({ reqId })
  }

  const removeKey = async (uid: string, key: string, log: Logger) => {
    applied.delete(uid)
    const sharer = [...applied.entries()].find(([, other]) => other === key)
    try {
      // Two stored peers with one key share one device peer: re-apply the survivor instead of removing it.
      if (sharer) await reconcileUid(sharer[0], log)
      else await tunnel?.removePeer(key)
    } catch (err) {
      log.warn('failed to remove WireGuard peer from the device', { uid, error: errorText(err) })
    }
  }

  const applyToDevice = async (peer: WireGuardPeer, log: Logger): Promise<WireGuardPeerStatus> => {
    const { uid } = peer.metadata
    if (!deps.active() || tunnel === undefined) return PEER_STATUS.off
    const previous = applied.get(uid)
    const key = peer.spec.public_key.trim()
    if (previous !== undefined && previous !== key) await removeKey(uid, previous, log)
    if (key === '') return PEER_STATUS.emptyKey
    let cidr
    try {
      cidr = parseCidr(peer.spec.allowed_ip)
    } catch (err) {
      if (previous === key) await removeKey(uid, key, log)
      const reason = isMetadataError(err) ? String(err.details?.reason ?? err.message) : errorText(err)
      return badCidrStatus(peer.spec.allowed_ip, reason)
    }
    applied.set(uid, key)
    try {
      await tunnel.upsertPeer(key, cidr.text)
      return PEER_STATUS.applied
    } catch (err) {
      return deviceErrorStatus(errorText(err))
    }
  }

  const writeStatus = async (peer: WireGuardPeer, status: WireGuardPeerStatus, log: Logger) => {
    if (hasStatus(peer, status)) return
    const next: WireGuardPeer = { ...peer, status }
    const expected = peer.metadata.resourceVersion
    ownWrites.set(peer.metadata.uid, { version: String(Number(expected) + 1), fingerprint: peerFingerprint(next) })
    try {
      await store.update(next, expected)
    } catch (err) {
      ownWrites.delete(peer.metadata.uid)
      // A newer write or a delete won the race; its own change is queued and will be reconciled.
      if (isMetadataError(err, 'PRECONDITION_FAILED') || isMetadataError(err, 'NOT_FOUND')) return
      log.warn('failed to write WireGuard peer status', { uid: peer.metadata.uid, error: errorText(err) })
    }
  }

  const apply = async (peer: WireGuardPeer, log: Logger) => {
    const status = await applyToDevice(peer, log)
    // Degraded (WireGuard off) is expected for every peer and already logged once at boot; errors are news.
    if (status.phase === 'Error') log.warn('WireGuard peer not applied', { uid: peer.metadata.uid, message: status.message })
    await writeStatus(peer, status, log)
  }

  async function reconcileUid(uid: string, log: Logger): Promise<void> {
    let peer
    try {
      peer = await store.get('WireGuardPeer', uid)
    } catch (err) {
      log.warn('failed to load WireGuard peer for reconcile', { uid, error: errorText(err) })
      return
    }
    // Absent: it was deleted after this change; the delete's own change removes it from the device.
    if (peer) await apply(peer, log)
  }

  const isOwnWrite = (change: ResourceChange) => {
    const own = ownWrites.get(change.uid)
    if (own === undefined || change.resource.kind !== 'WireGuardPeer') return false
    if (own.version !== change.resource.metadata.resourceVersion) return false
    ownWrites.delete(change.uid)
    return own.fingerprint === peerFingerprint(change.resource)
  }

  const safely = (work: () => Promise<void>, log: Logger) => {
    queue.run(work).catch((err: unknown) => log.error('WireGuard reconcile failed', { error: errorText(err) }))
  }

  return {
    handle(change) {
      if (change.kind !== 'WireGuardPeer' || change.resource.kind !== 'WireGuardPeer') return
      const { uid } = change
      const log = loggerFor(uid)
      if (change.type === 'deleted') {
        const specKey = change.resource.spec.public_key.trim()
        const remove = async () => {
          const key = applied.get(uid) ?? specKey
          if (deps.active() && key !== '') await removeKey(uid, key, log)
          else applied.delete(uid)
        }
        const hold = holds.get(uid)
        holds.delete(uid)
        if (hold === undefined) safely(remove, log)
        else void hold.then(() => safely(async () => ((await storedAgain(uid)) ? reconcileUid(uid, log) : remove()), log))
        return
      }
      if (isOwnWrite(change)) return
      safely(() => reconcileUid(uid, log), log)
    },
    reconcileAll() {
      return queue.run(async () => {
        for (const peer of await store.list('WireGuardPeer')) await apply(peer, logger)
      })
    },
    barrier: () => queue.run(async () => undefined),
    idle: () => queue.idle(),
    tagRequest(uid, reqId) {
      if (reqId === undefined) requests.delete(uid)
      else requests.set(uid, reqId)
    },
    holdRemoval(uid, until) {
      const hold = until.then(
        () => undefined,
        () => undefined,
      )
      holds.set(uid, hold)
      return () => {
        if (holds.get(uid) === hold) holds.delete(uid)
      }
    },
  }

  async function storedAgain(uid: string): Promise<boolean> {
    try {
      return (await store.get('WireGuardPeer', uid)) !== undefined
    } catch {
      // Cannot tell: removing is the safe side (a stored peer is re-applied by its next change or the next start).
      return false
    }
  }
}

/** The text of an error for a status message or a log field. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
