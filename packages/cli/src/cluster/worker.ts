import type { MetricsSnapshot, ServiceMetrics } from '@metadata-service/adapter-http'
import { MetadataError, type Clock, type Logger, type TokenSource } from '@metadata-service/core'
import { adminAuthorizerFor } from '../admin-access.js'
import type { Config } from '../config/schema.js'
import { noCloudFor, serveHttp, type ServedHttp } from '../serve-http.js'
import { openReplicaInventory, type ReplicaInventory } from './replica-inventory.js'
import { openReplicaStore } from './replica-store.js'
import { connectRpc, type IpcChannel } from './rpc.js'

/** The primary asks its workers to drain and exit (OPS-4) with this event. */
export const SHUTDOWN_EVENT = 'shutdown'

/** A started worker process. */
export interface RunningWorker {
  readonly port: number
  /** Resolves with a reason when the primary asks this worker to stop, or has gone away. */
  readonly stopRequested: Promise<string>
  /** Drains for up to `shutdown_timeout` and disconnects from the primary. */
  close(): Promise<void>
}

/** What a worker needs besides the configuration. */
export interface WorkerDeps {
  readonly logger: Logger
  readonly clock: Clock
  /** The IPC channel to the primary (`cluster.worker`). */
  readonly channel: IpcChannel & { disconnect(): void; on(event: 'disconnect', listener: () => void): unknown }
}

/**
 * One worker of `--workers N` (ARCHITECTURE "processes"): serves every route on the shared port from copies of
 * the primary's store and SMD snapshot; resource writes, snapshot misses and metrics gathering go to the primary
 * over IPC. The worker never opens the data directory, SMD or TokenSmith itself.
 */
export async function startWorker(config: Config, deps: WorkerDeps): Promise<RunningWorker> {
  const { logger, clock, channel } = deps
  const authorize = adminAuthorizerFor(config)
  // Set once listening; a gather that reaches this worker earlier gets nothing from it.
  const own: { metrics?: ServiceMetrics } = {}
  const peer = connectRpc(channel, {
    'metrics.snapshot': async (): Promise<MetricsSnapshot> => (await own.metrics?.snapshot()) ?? [],
  })
  let requestStop: (reason: string) => void = () => {}
  const stopRequested = new Promise<string>((resolve) => (requestStop = resolve))
  peer.onEvent(SHUTDOWN_EVENT, () => requestStop('primary shutting down'))
  channel.on('disconnect', () => requestStop('primary gone'))

  let served: ServedHttp
  try {
    const [store, inventory] = await Promise.all([openReplicaStore(peer), openReplicaInventory(peer)])
    const nocloud = noCloudFor(config, { inventory, store, logger })
    served = await serveHttp(
      config,
      {
        store,
        inventory,
        tokenSource: mirroredTokenSource(inventory),
        nocloud,
        gatherMetrics: () => peer.call<readonly MetricsSnapshot[]>('metrics.gather'),
      },
      { logger, clock, authorize },
    )
  } catch (err) {
    // The IPC channel would keep a failed worker alive; the primary learns of the failure from its exit.
    peer.close('worker failed to start')
    channel.disconnect()
    throw err
  }
  if (served.metrics !== undefined) own.metrics = served.metrics
  return {
    port: served.http.port,
    stopRequested,
    async close() {
      await served.close(config.shutdown_timeout * 1000)
      peer.close('worker stopped')
      channel.disconnect()
    },
  }
}

/**
 * The primary's token state for this worker's `/health` (TOK-9) and `/metrics`, or `undefined` when the primary has
 * no token source (`--mock-smd`; fixed for its lifetime). A worker never calls SMD, so it never needs a token itself.
 */
function mirroredTokenSource(inventory: ReplicaInventory): TokenSource | undefined {
  const first = inventory.status().token
  if (first === undefined) return undefined
  const token = () => inventory.status().token ?? first
  const unavailable = async (): Promise<never> => {
    throw new MetadataError('TOKEN_UNAVAILABLE', 'worker processes do not call SMD')
  }
  return {
    get mode() {
      return token().mode
    },
    token: unavailable,
    refreshAfterRejection: unavailable,
    health: () => token().health,
    stats: () => token().stats,
    async close() {},
  }
}
