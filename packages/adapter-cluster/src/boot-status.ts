import type { BootDocumentKind, BootObservation, BootStatus } from '@metadata-service/core'
import type { RpcHandlers, RpcPeer } from './rpc.js'

// BOOT across `--workers`: the record is one, in the primary. Workers batch what they answered and send it a few
// times a second (IPC traffic grows with time, not with requests), and ask the primary's record for every read.

const OBSERVATIONS_EVENT = 'boot.observations'
const REPORT_CALL = 'boot.report'
const NODE_CALL = 'boot.node'
const CHANGES_CALL = 'boot.changes'
const SUMMARY_CALL = 'boot.summary'

/** Observations in columns: six plain arrays clone faster than thousands of small objects. */
interface ObservationBatch {
  readonly nodes: (string | undefined)[]
  readonly clients: string[]
  readonly documents: BootDocumentKind[]
  readonly groups: (string | undefined)[]
  readonly statuses: number[]
  readonly ats: number[]
}

/** A worker's end: a {@link BootStatus} whose record is the primary's. */
export interface RemoteBootStatus extends BootStatus {
  /** Sends what is batched and stops the timer. */
  close(): void
}

/** Options of {@link remoteBootStatus}. */
export interface RemoteBootStatusOptions {
  /** How often batched observations go to the primary, ms. Default 200. */
  readonly flushMs?: number
  /** A batch this long is sent at once rather than waiting for the timer. Default 20,000. */
  readonly maxBatch?: number
}

const DEFAULT_FLUSH_MS = 200
const DEFAULT_MAX_BATCH = 20_000

/**
 * A worker's boot status over `peer`: `record` appends to a batch (six array pushes, no IPC per request), sent to
 * the primary every `flushMs`; reads are calls to the primary's record, so every worker answers from the same one.
 */
export function remoteBootStatus(peer: RpcPeer, options: RemoteBootStatusOptions = {}): RemoteBootStatus {
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH
  let batch = emptyBatch()
  const flush = () => {
    if (batch.ats.length === 0) return
    peer.emit(OBSERVATIONS_EVENT, batch)
    batch = emptyBatch()
  }
  const timer = setInterval(flush, options.flushMs ?? DEFAULT_FLUSH_MS)
  timer.unref()
  return {
    record(o) {
      batch.nodes.push(o.node)
      batch.clients.push(o.client)
      batch.documents.push(o.document)
      batch.groups.push(o.group)
      batch.statuses.push(o.status)
      batch.ats.push(o.at)
      if (batch.ats.length >= maxBatch) flush()
    },
    report: (query) => peer.call(REPORT_CALL, query),
    node: (xname) => peer.call(NODE_CALL, xname),
    changes: (cursor, group) => peer.call(CHANGES_CALL, cursor, group),
    summary: () => peer.call(SUMMARY_CALL),
    close() {
      clearInterval(timer)
      flush()
    },
  }
}

/**
 * The primary's end: the calls workers make on `status`, and the listener that feeds it their batches (register it
 * with `listen` on each worker's peer).
 */
export function serveBootStatus(status: BootStatus): { readonly handlers: RpcHandlers; listen(peer: RpcPeer): void } {
  return {
    handlers: {
      [REPORT_CALL]: (query: Parameters<BootStatus['report']>[0]) => status.report(query),
      [NODE_CALL]: (xname: string) => status.node(xname),
      [CHANGES_CALL]: (cursor: Parameters<BootStatus['changes']>[0], group: string | undefined) => status.changes(cursor, group),
      [SUMMARY_CALL]: () => status.summary(),
    },
    listen(peer) {
      peer.onEvent(OBSERVATIONS_EVENT, (data) => {
        const b = data as ObservationBatch
        for (let i = 0; i < b.ats.length; i++) {
          const observation: BootObservation = {
            node: b.nodes[i],
            client: b.clients[i] as string,
            document: b.documents[i] as BootDocumentKind,
            group: b.groups[i],
            status: b.statuses[i] as number,
            at: b.ats[i] as number,
          }
          status.record(observation)
        }
      })
    },
  }
}

function emptyBatch(): ObservationBatch {
  return { nodes: [], clients: [], documents: [], groups: [], statuses: [], ats: [] }
}
