// Bulk syncs in a child process (issue 19). Fetching, parsing and assembling a 100,000-node snapshot took ~2 s of
// the main thread's CPU per sync, and requests queued behind it (p99 558-953 ms during re-syncs). Here a child
// process runs the same client code (sync-child.ts) and sends the finished node table back in chunks; this process
// answers its token requests from the real token source and writes its log lines, then swaps the table in. One
// child per sync, ended when the sync ends. A child, not a worker thread: on Node 22/24 V8 keeps a terminated
// worker's heap pages in a process-wide pool, so after a 100k sync the process held ~320 MB of them as RSS; a
// child's memory all goes back to the OS when it exits.
import { fork, type ChildProcess } from 'node:child_process'
import { getPriority, setPriority } from 'node:os'
import { fileURLToPath } from 'node:url'
import { createTableReceiver, MetadataError, openNodeTable, type Logger, type TokenSource } from '@metadata-service/core'
import { fromWire, toWire, type FromChild, type SyncChildConfig, type ToChild } from './_sync-protocol.js'
import type { SnapshotSource } from './smd-client.js'
import type { SmdSnapshot } from './snapshot.js'
import { nodeOptionFlags, setsSemiSpace } from './node-flags.js'
import { SYNC_CHILD_MARK } from './sync-child.js'

/** Options of {@link createSyncProcess}: the SMD client's, plus where the child's code is. */
export interface SyncProcessOptions {
  /**
   * The built child entry (`sync-child.js`): the CLI ships it beside its bundle; tests build it from the sources.
   * It must be JavaScript Node can run (`process.execPath`).
   */
  readonly entryUrl: URL
  /** As `SmdClientOptions`. */
  readonly baseUrl: string
  readonly tokenSource: TokenSource
  readonly timeoutMs?: number
  readonly maxResponseBytes?: number
  readonly userAgentVersion: string
}

/** Bytes of a child's stderr kept for the log line when it fails: 4 KiB. */
const STDERR_TAIL_BYTES = 4096

/**
 * A {@link SnapshotSource} that runs each bulk sync in a new child process; `close()` kills a running one and
 * resolves once it has exited. Logs `SMD sync process started` (debug, `childPid`: `pid` is the log line's own
 * field) for each child, and `SMD sync process failed` (warn, `reason` and the tail of its `stderr`) when one ends
 * without a result, unless close() ended it.
 */
export function createSyncProcess(options: SyncProcessOptions): Required<SnapshotSource> {
  const { tokenSource } = options
  const config: SyncChildConfig = {
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    maxResponseBytes: options.maxResponseBytes,
    userAgentVersion: options.userAgentVersion,
    tokenMode: tokenSource.mode,
  }
  const running = new Map<ChildProcess, Promise<void>>()
  // The digest of each table this source delivered, to tell a child which one is served (weak: a snapshot the
  // inventory has dropped must not stay alive for this).
  const digests = new WeakMap<SmdSnapshot, string>()
  let closing = false

  const bulkSnapshot = (logger: Logger, served?: SmdSnapshot): Promise<SmdSnapshot> =>
    new Promise<SmdSnapshot>((resolve, reject) => {
      const servedDigest = served === undefined ? undefined : digests.get(served)
      const child = fork(fileURLToPath(options.entryUrl), [SYNC_CHILD_MARK], {
        execPath: process.execPath,
        // Not this process's flags: an inherited --inspect would fight over the debugger port and --cpu-prof or
        // --heap-prof would write a profile per sync beside the server's (the bench reads only the server's).
        execArgv: childExecArgv(process.env),
        env: childEnv(process.env),
        serialization: 'advanced',
        // Its stdout must never mix into this process's stdout, the JSON log; it logs through the channel.
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      })
      runBehindRequests(child)
      const stderr = tail(child)
      running.set(child, new Promise((done) => child.once('close', () => done())))
      logger.debug('SMD sync process started', { childPid: child.pid })
      const table = createTableReceiver()
      let settled = false
      const settle = (outcome: () => void): void => {
        if (settled) return
        settled = true
        outcome()
        // It exits by itself once its last message is written; a failure of ours must not leave it running.
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      }
      const fail = (reason: string): void =>
        settle(() => {
          if (!closing) logger.warn('SMD sync process failed', { reason, ...(stderr() === '' ? {} : { stderr: stderr() }) })
          reject(new MetadataError('INVENTORY_UNAVAILABLE', `smd sync failed: ${reason}`))
        })
      // A send to a child that has just died fails; its 'close' says why, so the send's error is dropped.
      const reply = (message: ToChild): void => {
        if (!settled && child.connected) child.send(message, ignore)
      }
      child.on('message', (message: FromChild) => {
        switch (message.type) {
          case 'token':
            // TOK-6 and SMD-13 as in this process: every request asks the source, a 401 refreshes once.
            ;(message.refresh ? tokenSource.refreshAfterRejection(message.rejected) : tokenSource.token()).then(
              (token) => reply({ type: 'token', id: message.id, token }),
              (err: unknown) => reply({ type: 'token-failed', id: message.id, error: toWire(err) }),
            )
            return
          case 'log':
            logger[message.level](message.message, message.fields)
            return
          case 'table':
            table.header(message)
            return
          case 'chunk':
            table.chunk(message)
            return
          case 'done': {
            const data = table.finish()
            if (typeof data === 'string') return fail(`the sync process sent ${data}`)
            const snapshot = openNodeTable(data)
            digests.set(snapshot, message.digest)
            settle(() => resolve(snapshot))
            return
          }
          case 'unchanged':
            // Only ever an answer to the digest it was given; anything else would be a protocol fault.
            if (served === undefined || message.digest !== servedDigest) return fail('the sync process matched a table that is not served')
            logger.debug('SMD sync process found the served table unchanged', { childPid: child.pid })
            settle(() => resolve(served))
            return
          case 'failed':
            settle(() => reject(fromWire(message.error)))
        }
      })
      // It could not be started (spawn failed).
      child.on('error', (err) => fail(err.message))
      child.on('close', (code, signal) => {
        running.delete(child)
        fail(signal === null ? `the sync process exited with code ${String(code)}` : `the sync process was killed by ${signal}`)
      })
      reply({ type: 'start', config, served: servedDigest })
    })

  return {
    bulkSnapshot,
    async close() {
      closing = true
      const ended = [...running.values()]
      for (const child of running.keys()) child.kill('SIGKILL')
      await Promise.all(ended)
    },
  }
}

function ignore(): void {}

/**
 * The young generation of a sync child, in MiB per semi-space. A sync allocates its parse results in short-lived
 * cuts; V8's default on a machine with much memory lets the new space grow to 2 × 64 MiB, which the child's RSS
 * kept: 463–509 MiB at its peak for a 100,000-node sync, against 368–409 MiB with 16 MiB (8 measured alike), in the
 * same wall and CPU time (issue 19).
 */
const SYNC_CHILD_SEMI_SPACE_MIB = 16

/**
 * A child's V8 flags: the semi-space cap above, unless NODE_OPTIONS (which the child inherits) sets its own, in
 * either of the spellings Node accepts (dashes or underscores).
 */
function childExecArgv(env: NodeJS.ProcessEnv): string[] {
  return setsSemiSpace(nodeOptionFlags(env)) ? [] : [`--max-semi-space-size=${SYNC_CHILD_SEMI_SPACE_MIB}`]
}

/**
 * How many nice levels below this process a sync child runs (issue 19). On a core the server shares with it (one
 * CPU, or pinned) the scheduler splits the CPU by weight: at the same level the child took half, and the p99 of a
 * storm during a 100,000-node sync was 42-48 ms; 3 levels down it takes about a third, the p99 was 38-41 ms, and the
 * sync's transfers took 3.4-4.0 s instead of 2.5-2.6. Six levels down gave 29-31 ms but 6.3 s transfers, too near
 * the 10 s SMD request timeout; ten starved it (every sync timed out under a saturating storm). An idle core runs
 * the child at full speed whatever its level.
 */
export const SYNC_CHILD_NICENESS = 3

/**
 * Lowers `child`'s CPU priority by {@link SYNC_CHILD_NICENESS} from this thread's (at most to 19), before it is sent
 * `start`: so the sync's work waits for requests. Linux applies it to the child's main thread, the one that parses and
 * assembles, and the threads Node starts after it inherit it (V8's and libuv's: all of them, measured, as the fork
 * returns once the child has exec'd, before Node has started any). A child that has already exited is left alone.
 */
function runBehindRequests(child: ChildProcess): void {
  if (child.pid === undefined) return
  try {
    setPriority(child.pid, Math.min(19, getPriority() + SYNC_CHILD_NICENESS))
  } catch {
    // ESRCH: it died at once; its 'close' reports why.
  }
}

/** `env` for a child: NODE_OPTIONS without the debugging and profiling flags (see execArgv above). */
function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env.NODE_OPTIONS === undefined) return env
  const kept = nodeOptionFlags(env).filter((flag) => !/^--(inspect|debug|cpu-prof|heap-prof|prof\b)/.test(flag))
  return { ...env, NODE_OPTIONS: kept.join(' ') }
}

/** The last {@link STDERR_TAIL_BYTES} of what `child` wrote to stderr, trimmed. */
function tail(child: ChildProcess): () => string {
  let kept = Buffer.alloc(0)
  child.stderr?.on('data', (chunk: Buffer) => {
    kept = Buffer.concat([kept, chunk])
    if (kept.length > STDERR_TAIL_BYTES) kept = kept.subarray(kept.length - STDERR_TAIL_BYTES)
  })
  return () => kept.toString('utf8').trim()
}
