// The SMD sync child process (issue 19): runs one bulk sync (the four SMD calls, the streamed parse, the snapshot
// assembly and its indexes, SMD-7, SMD-9) with the very client code of the inventory's process, and sends the
// finished node table back in chunks over the IPC channel. The inventory's process then only swaps it in, so a
// 100,000-node sync costs requests there nothing but the copy of the chunks and a byte compare; and when the table
// is the one the inventory serves (same digest), the child sends only the digest, so an unchanged SMD costs them
// nothing. Tokens come from the inventory's token source, one per request (TOK-6, SMD-13), and log lines go to its
// logger. Started by `createSyncProcess`, one child per sync; it exits when the sync is done, so every page its heap
// used goes back to the OS (a worker thread's stayed in V8's process-wide page pool: ~320 MB RSS after a 100k sync
// on Node 24).
import { tableChunks, tableHeader, type Logger, type TokenSource } from '@metadata-service/core'
import { fromWire, toWire, type FromChild, type SyncChildConfig, type ToChild } from './_sync-protocol.js'
import { tableDigest } from './_table-digest.js'
import { createSmdClient } from './smd-client.js'

/** The first argument of a sync child, so that this file does nothing when it is loaded any other way. */
export const SYNC_CHILD_MARK = 'metadata-service/smd-sync'

if (process.send !== undefined && process.argv[2] === SYNC_CHILD_MARK) {
  // The inventory's process is gone (crashed, killed): nothing would read the result.
  process.once('disconnect', () => process.exit(1))
  const onStart = (message: ToChild): void => {
    if (message.type !== 'start') return
    process.off('message', onStart)
    void run(message.config, message.served)
  }
  process.on('message', onStart)
}

/** Sends `message`; throws at once what structured clone cannot copy. */
function post(message: FromChild): void {
  process.send!(message)
}

/** Sends `message` last: resolves when it (and so every message before it) is written to the channel. */
function postLast(message: FromChild): Promise<void> {
  return new Promise((resolve, reject) => {
    process.send!(message, undefined, {}, (err) => (err ? reject(err) : resolve()))
  })
}

async function run(config: SyncChildConfig, served: string | undefined): Promise<void> {
  let nextId = 1
  const waiting = new Map<number, { resolve(token: string | undefined): void; reject(err: Error): void }>()
  process.on('message', (message: ToChild) => {
    if (message.type === 'start') return
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
      post({ type: 'token', id, refresh, rejected })
    })
  const tokenSource: TokenSource = {
    mode: config.tokenMode,
    token: () => ask(false, undefined),
    refreshAfterRejection: (rejected) => ask(true, rejected),
    // The client asks only for tokens; health and counters are the inventory process's own source's.
    health: () => ({ healthy: true }),
    stats: () => ({ refreshes: 0, refreshFailures: 0 }),
    close: async () => {},
  }
  const logger = relayLogger(post)
  const client = createSmdClient({
    baseUrl: config.baseUrl,
    tokenSource,
    ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
    ...(config.maxResponseBytes === undefined ? {} : { maxResponseBytes: config.maxResponseBytes }),
    userAgentVersion: config.userAgentVersion,
    logger,
  })
  let last: Promise<void>
  try {
    const snapshot = await client.bulkSnapshot(logger)
    const digest = tableDigest(snapshot.data)
    if (digest === served) {
      last = postLast({ type: 'unchanged', digest })
    } else {
      post({ type: 'table', ...tableHeader(snapshot.data) })
      for (const chunk of tableChunks(snapshot.data)) post({ type: 'chunk', ...chunk })
      last = postLast({ type: 'done', digest })
    }
  } catch (err) {
    last = postLast({ type: 'failed', error: toWire(err) })
  }
  // Messages are written in order; once the last one is, everything is in the channel and this process is done.
  await last.then(
    () => process.exit(0),
    () => process.exit(1),
  )
}

/** A logger whose lines the inventory's process writes, with its fields. */
function relayLogger(send: (message: FromChild) => void, bound: Readonly<Record<string, unknown>> = {}): Logger {
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
