// Bulk syncs in a worker thread (issue 19). Fetching, parsing and assembling a 100,000-node snapshot took ~2 s of
// the main thread's CPU per sync, and requests queued behind it (p99 558-953 ms during re-syncs). Here a worker
// thread runs the same client code (sync-worker.ts) and transfers the finished node table; this thread answers its
// token requests from the real token source and writes its log lines, then swaps the table in. One worker per
// sync, ended when the sync ends: its whole heap (payload cuts, wire records, builder state) goes with it, so
// between syncs the process holds only the served table.
import { Worker } from 'node:worker_threads'
import { MetadataError, openNodeTable, type Logger, type TokenSource } from '@metadata-service/core'
import { fromWire, toWire, type FromWorker, type SyncWorkerConfig, type ToWorker } from './_sync-protocol.js'
import type { SnapshotSource } from './smd-client.js'
import type { SmdSnapshot } from './snapshot.js'
import { SYNC_WORKER_MARK } from './sync-worker.js'

/** Options of {@link createSyncThread}: the SMD client's, plus where the worker's code is. */
export interface SyncThreadOptions {
  /**
   * The built worker entry (`sync-worker.js`): the CLI ships it beside its bundle; tests build it from the sources.
   * It must be JavaScript a worker thread can load.
   */
  readonly workerUrl: URL
  /** As `SmdClientOptions`. */
  readonly baseUrl: string
  readonly tokenSource: TokenSource
  readonly timeoutMs?: number
  readonly maxResponseBytes?: number
  readonly userAgentVersion: string
}

/** A {@link SnapshotSource} that runs each bulk sync in a new worker thread; `close()` ends a running one. */
export function createSyncThread(options: SyncThreadOptions): Required<SnapshotSource> {
  const { tokenSource } = options
  const config: SyncWorkerConfig = {
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    maxResponseBytes: options.maxResponseBytes,
    userAgentVersion: options.userAgentVersion,
    tokenMode: tokenSource.mode,
  }
  const running = new Set<Worker>()

  const bulkSnapshot = (logger: Logger): Promise<SmdSnapshot> =>
    new Promise<SmdSnapshot>((resolve, reject) => {
      const worker = new Worker(options.workerUrl, { workerData: { mark: SYNC_WORKER_MARK, config } })
      running.add(worker)
      let settled = false
      const settle = (outcome: () => void): void => {
        if (settled) return
        settled = true
        running.delete(worker)
        outcome()
        void worker.terminate()
      }
      const reply = (message: ToWorker): void => {
        if (!settled) worker.postMessage(message)
      }
      worker.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'token':
            // TOK-6 and SMD-13 as on this thread: every request asks the source, a 401 refreshes once.
            ;(message.refresh ? tokenSource.refreshAfterRejection(message.rejected) : tokenSource.token()).then(
              (token) => reply({ type: 'token', id: message.id, token }),
              (err: unknown) => reply({ type: 'token-failed', id: message.id, error: toWire(err) }),
            )
            return
          case 'log':
            logger[message.level](message.message, message.fields)
            return
          case 'done':
            settle(() => resolve(openNodeTable(message.data)))
            return
          case 'failed':
            settle(() => reject(fromWire(message.error)))
        }
      })
      worker.on('error', (err) => settle(() => reject(workerFailure(err.message))))
      worker.on('exit', (code) => settle(() => reject(workerFailure(`the sync worker exited with code ${code}`))))
    })

  return {
    bulkSnapshot,
    async close() {
      await Promise.all([...running].map((worker) => worker.terminate()))
    },
  }
}

/** A worker that failed outside the sync's own errors (it could not load, ran out of memory, was ended). */
function workerFailure(reason: string): MetadataError {
  return new MetadataError('INVENTORY_UNAVAILABLE', `smd sync failed: ${reason}`)
}
