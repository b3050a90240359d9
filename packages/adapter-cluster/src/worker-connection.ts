import type { ResourceStore, SeedTokenStore, TokenSource } from '@metadata-service/core'
import { remoteBootStatus, type RemoteBootStatus, type RemoteBootStatusOptions } from './boot-status.js'
import { GATHER_METRICS_CALL, LISTENING_EVENT, METRICS_SNAPSHOT_CALL, SHUTDOWN_EVENT } from './_protocol.js'
import { mirroredTokenSource } from './mirrored-token-source.js'
import { openReplicaInventory, type ReplicaInventory } from './replica-inventory.js'
import { openReplicaStore } from './replica-store.js'
import { openReplicaSeedTokenStore } from './replica-seed-tokens.js'
import { connectRpc, type IpcChannel } from './rpc.js'

/** A worker's IPC channel to its primary (`cluster.worker` in production). */
export interface PrimaryChannel extends IpcChannel {
  disconnect(): void
  on(event: 'message', listener: (message: unknown) => void): unknown
  on(event: 'disconnect', listener: () => void): unknown
}

/** Options of {@link connectToPrimary}. */
export interface PrimaryConnectionOptions<M> {
  /**
   * This worker's own metrics as a structured-cloneable value (adapter-http's `ServiceMetrics.snapshot()`), asked
   * for when any worker is scraped. May be called before the worker serves.
   */
  readonly metricsSnapshot: () => Promise<M>
  /** BOOT: report to and read the primary's boot record (it must serve one); absent: off. */
  readonly bootStatus?: RemoteBootStatusOptions
}

/** What a worker serves from: copies of the primary's store and inventory, and its token state. */
export interface PrimaryConnection<M> {
  readonly store: ResourceStore
  readonly inventory: ReplicaInventory
  /** See {@link mirroredTokenSource}; `undefined` when the primary has none. */
  readonly tokenSource: TokenSource | undefined
  /** SEED: a copy of the primary's seed token store; `undefined` with `seed_tokens: off`. */
  readonly seedTokens: SeedTokenStore | undefined
  /** Every started worker's `metricsSnapshot()`, gathered by the primary; a worker that dies meanwhile is left out. */
  gatherMetrics(): Promise<readonly M[]>
  /** The primary's boot record, when `bootStatus` was given: observations batched to it, reads answered by it. */
  readonly bootStatus: RemoteBootStatus | undefined
  /** Resolves with a reason when the primary asks this worker to stop (OPS-4), or has gone away. */
  readonly stopRequested: Promise<string>
  /**
   * Tells the primary this worker listens on `port` with a socket of its own (SO_REUSEPORT), which node:cluster
   * does not report; not needed after a listen on the shared handle.
   */
  listening(port: number): void
  /** Stops answering the primary, rejects calls still pending with `reason` and disconnects the channel. */
  close(reason: string): void
}

/**
 * A worker's end of `--workers N` (the primary runs `superviseWorkers`): opens the replica store and inventory over
 * `channel` and mirrors the primary's token state. Rejects when the primary cannot seed them; the channel is then
 * disconnected, since an open IPC channel would keep a failed worker alive (the primary learns of the failure from
 * its exit).
 */
export async function connectToPrimary<M>(channel: PrimaryChannel, options: PrimaryConnectionOptions<M>): Promise<PrimaryConnection<M>> {
  const peer = connectRpc(channel, { [METRICS_SNAPSHOT_CALL]: () => options.metricsSnapshot() })
  let requestStop: (reason: string) => void = () => {}
  const stopRequested = new Promise<string>((resolve) => (requestStop = resolve))
  peer.onEvent(SHUTDOWN_EVENT, () => requestStop('primary shutting down'))
  channel.on('disconnect', () => requestStop('primary gone'))
  const bootStatus = options.bootStatus === undefined ? undefined : remoteBootStatus(peer, options.bootStatus)
  const close = (reason: string): void => {
    // The last batch goes before the channel does.
    bootStatus?.close()
    peer.close(reason)
    channel.disconnect()
  }
  try {
    const [store, inventory, seedTokens] = await Promise.all([openReplicaStore(peer), openReplicaInventory(peer), openReplicaSeedTokenStore(peer)])
    return {
      store,
      inventory,
      seedTokens,
      tokenSource: mirroredTokenSource(inventory),
      gatherMetrics: () => peer.call<readonly M[]>(GATHER_METRICS_CALL),
      bootStatus,
      stopRequested,
      listening: (port) => peer.emit(LISTENING_EVENT, port),
      close,
    }
  } catch (err) {
    close('worker failed to start')
    throw err
  }
}
