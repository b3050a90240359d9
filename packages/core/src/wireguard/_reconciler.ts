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

  const removeKey = async (uid: string, key: string) => {
    applied.delete(uid)
    const sharer = [...applied.entries()].find(([, other]) => other === key)
    try {
      // Two stored peers with one key share one device peer: re-apply the survivor instead of removing it.
      if (sharer) await reconcileUid(sharer[0])
      else await tunnel?.removePeer(key)
    } catch (err) {
      logger.warn('failed to remove WireGuard peer from the device', { uid, error: errorText(err) })
    }
  }

  const applyToDevice = async (peer: WireGuardPeer): Promise<WireGuardPeerStatus> => {
    const { uid } = peer.metadata
    if (!deps.active() || tunnel === undefined) return PEER_STATUS.off
    const previous = applied.get(uid)
    const key = peer.spec.public_key.trim()
    if (previous !== undefined && previous !== key) await removeKey(uid, previous)
    if (key === '') return PEER_STATUS.emptyKey
    let cidr
    try {
      cidr = parseCidr(peer.spec.allowed_ip)
    } catch (err) {
      if (previous === key) await removeKey(uid, key)
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

  const writeStatus = async (peer: WireGuardPeer, status: WireGuardPeerStatus) => {
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
      logger.warn('failed to write WireGuard peer status', { uid: peer.metadata.uid, error: errorText(err) })
    }
  }

  const apply = async (peer: WireGuardPeer) => {
    const status = await applyToDevice(peer)
    // Degraded (WireGuard off) is expected for every peer and already logged once at boot; errors are news.
    if (status.phase === 'Error') logger.warn('WireGuard peer not applied', { uid: peer.metadata.uid, message: status.message })
    await writeStatus(peer, status)
  }

  async function reconcileUid(uid: string): Promise<void> {
    let peer
    try {
      peer = await store.get('WireGuardPeer', uid)
    } catch (err) {
      logger.warn('failed to load WireGuard peer for reconcile', { uid, error: errorText(err) })
      return
    }
    // Absent: it was deleted after this change; the delete's own change removes it from the device.
    if (peer) await apply(peer)
  }

  const isOwnWrite = (change: ResourceChange) => {
    const own = ownWrites.get(change.uid)
    if (own === undefined || change.resource.kind !== 'WireGuardPeer') return false
    if (own.version !== change.resource.metadata.resourceVersion) return false
    ownWrites.delete(change.uid)
    return own.fingerprint === peerFingerprint(change.resource)
  }

  const safely = (work: () => Promise<void>) => {
    queue.run(work).catch((err: unknown) => logger.error('WireGuard reconcile failed', { error: errorText(err) }))
  }

  return {
    handle(change) {
      if (change.kind !== 'WireGuardPeer' || change.resource.kind !== 'WireGuardPeer') return
      const { uid } = change
      if (change.type === 'deleted') {
        const specKey = change.resource.spec.public_key.trim()
        const remove = async () => {
          const key = applied.get(uid) ?? specKey
          if (deps.active() && key !== '') await removeKey(uid, key)
          else applied.delete(uid)
        }
        const hold = holds.get(uid)
        holds.delete(uid)
        if (hold === undefined) safely(remove)
        else void hold.then(() => safely(async () => ((await storedAgain(uid)) ? reconcileUid(uid) : remove())))
        return
      }
      if (isOwnWrite(change)) return
      safely(() => reconcileUid(uid))
    },
    reconcileAll() {
      return queue.run(async () => {
        for (const peer of await store.list('WireGuardPeer')) await apply(peer)
      })
    },
    barrier: () => queue.run(async () => undefined),
    idle: () => queue.idle(),
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
