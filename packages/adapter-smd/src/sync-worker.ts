// The sync worker thread (issue 19): runs one bulk sync (the four SMD calls, the streamed parse, the snapshot
// assembly and its indexes, SMD-7, SMD-9) with the very client code of the inventory's thread, and hands the
// finished node table over by transfer. The inventory's thread then only swaps it in, so a 100,000-node sync
// costs requests there nothing but a byte compare. Tokens come from the inventory's token source, one per
// request (TOK-6, SMD-13), and log lines go to its logger. Started by `createSyncThread`, one worker per sync.
import { parentPort, workerData } from 'node:worker_threads'
import { nodeTableTransferList, type Logger, type TokenSource } from '@metadata-service/core'
import { fromWire, toWire, type FromWorker, type SyncWorkerConfig, type ToWorker } from './_sync-protocol.js'
import { createSmdClient } from './smd-client.js'

/** Marks `workerData` of a sync worker, so that this file does nothing when it is loaded any other way. */
export const SYNC_WORKER_MARK = 'metadata-service/smd-sync'

const port = parentPort
const data = workerData as { mark?: string; config?: SyncWorkerConfig } | undefined
if (port && data?.mark === SYNC_WORKER_MARK && data.config) void run(port, data.config)

async function run(to: NonNullable<typeof parentPort>, config: SyncWorkerConfig): Promise<void> {
  const send = (message: FromWorker, transfer: ArrayBuffer[] = []): void => to.postMessage(message, transfer)
  let nextId = 1
  const waiting = new Map<number, { resolve(token: string | undefined): void; reject(err: Error): void }>()
  to.on('message', (message: ToWorker) => {
    const entry = waiting.get(message.id)
    if (entry === undefined) return
    waiting.delete(message.id)
    if (message.type === 'token') entry.resolve(message.token)
    else entry.reject(fromWire(message.error))
  })
  const ask = (refresh: boolean, rejected: string | undefined): Promise<string | undefined> =>
    new Promise((resolve, reject) => {
      const id = nextId++
      waiting.set(id, { resolve, reject })
      send({ type: 'token', id, refresh, rejected })
    })
  const tokenSource: TokenSource = {
    mode: config.tokenMode,
    token: () => ask(false, undefined),
    refreshAfterRejection: (rejected) => ask(true, rejected),
    // The client asks only for tokens; health and counters are the inventory thread's own source's.
    health: () => ({ healthy: true }),
    stats: () => ({ refreshes: 0, refreshFailures: 0 }),
    close: async () => {},
  }
  const logger = relayLogger(send)
  const client = createSmdClient({
    baseUrl: config.baseUrl,
    tokenSource,
    ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
    ...(config.maxResponseBytes === undefined ? {} : { maxResponseBytes: config.maxResponseBytes }),
    userAgentVersion: config.userAgentVersion,
    logger,
  })
  try {
    const snapshot = await client.bulkSnapshot(logger)
    send({ type: 'done', data: snapshot.data }, nodeTableTransferList(snapshot.data))
  } catch (err) {
    send({ type: 'failed', error: toWire(err) })
  }
}

/** A logger whose lines the inventory's thread writes, with its fields. */
function relayLogger(send: (message: FromWorker) => void, bound: Readonly<Record<string, unknown>> = {}): Logger {
  const line =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: Readonly<Record<string, unknown>>): void => {
      const all = fields === undefined ? bound : { ...bound, ...fields }
      try {
        send({ type: 'log', level, message, fields: all })
      } catch {
        // A field structured clone cannot copy (a function): send what JSON keeps of it.
        send({ type: 'log', level, message, fields: JSON.parse(JSON.stringify(all)) as Record<string, unknown> })
      }
    }
  return {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    child: (fields) => relayLogger(send, { ...bound, ...fields }),
  }
}
