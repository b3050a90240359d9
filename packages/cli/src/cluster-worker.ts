import { connectToPrimary, type PrimaryChannel } from '@metadata-service/adapter-cluster'
import type { MetricsSnapshot, ServiceMetrics } from '@metadata-service/adapter-http'
import type { Clock, Logger } from '@metadata-service/core'
import { adminAuthorizerFor } from './admin-access.js'
import type { Config } from './config/schema.js'
import { noCloudFor, serveHttp, type ServedHttp } from './serve-http.js'

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
  readonly channel: PrimaryChannel
  /** Listen on a socket of this worker's own with SO_REUSEPORT (`workerBalancing` says `reuseport`); default false. */
  readonly reusePort?: boolean
}

/**
 * One worker of `--workers N` (ARCHITECTURE "processes"): serves every route on the shared port from copies of
 * the primary's store and SMD snapshot (adapter-cluster); resource writes, snapshot misses and metrics gathering go
 * to the primary over IPC. The worker never opens the data directory, SMD or TokenSmith itself.
 */
export async function startWorker(config: Config, deps: WorkerDeps): Promise<RunningWorker> {
  const { logger, clock, channel } = deps
  const authorize = adminAuthorizerFor(config)
  // Set once listening; a gather that reaches this worker earlier gets nothing from it.
  const own: { metrics?: ServiceMetrics } = {}
  const primary = await connectToPrimary<MetricsSnapshot>(channel, {
    metricsSnapshot: async () => (await own.metrics?.snapshot()) ?? [],
    // BOOT: the record is the primary's; this worker batches what it answers to it.
    ...(config.boot_status ? { bootStatus: {} } : {}),
  })
  const { store, inventory, tokenSource, seedTokens } = primary
  let served: ServedHttp
  try {
    const nocloud = noCloudFor(config, { inventory, store, logger })
    const bootStatus = primary.bootStatus
    served = await serveHttp(
      config,
      {
        store,
        inventory,
        tokenSource,
        nocloud,
        gatherMetrics: () => primary.gatherMetrics(),
        ...(bootStatus === undefined ? {} : { bootStatus }),
        ...(seedTokens === undefined ? {} : { seedStore: seedTokens }),
      },
      { logger, clock, authorize, ...(deps.reusePort ? { reusePort: true } : {}) },
    )
  } catch (err) {
    primary.close('worker failed to start')
    throw err
  }
  if (deps.reusePort) primary.listening(served.http.port)
  if (served.metrics !== undefined) own.metrics = served.metrics
  return {
    port: served.http.port,
    stopRequested: primary.stopRequested,
    async close() {
      await served.close(config.shutdown_timeout * 1000)
      primary.close('worker stopped')
    },
  }
}
