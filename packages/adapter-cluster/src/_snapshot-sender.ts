// The primary's side of a snapshot's trip to one worker (issue 19). Messages go one at a time: the next is sent
// once the last is written to the channel, that is once the worker is reading. So the primary never serialises a
// whole table in one turn (only one chunk per worker at a time), its memory never holds more than one serialised
// chunk per worker, and a worker reads a chunk or two per event-loop turn, whatever it is doing. Node's IPC
// serialises each message for each channel; the table itself is never copied before that (chunks are views).
import { tableChunks, tableHeader, type NodeTableData, type TableChunk } from '@metadata-service/core'
import { SNAPSHOT_CHUNK_EVENT, SNAPSHOT_END_EVENT, SNAPSHOT_HEADER_EVENT, type PrimaryStatus, type SnapshotHeader } from './_snapshot-messages.js'
import type { RpcPeer } from './rpc.js'

/** A snapshot ready to go to any number of workers: its header and its chunk list are made once. */
export interface OutgoingSnapshot {
  readonly header: SnapshotHeader
  readonly chunks: readonly TableChunk[]
}

/** Snapshot `seq` of `data`, taken with `status`. */
export function outgoingSnapshot(seq: number, status: PrimaryStatus, data: NodeTableData): OutgoingSnapshot {
  return { header: { seq, status, table: tableHeader(data) }, chunks: tableChunks(data) }
}

/** Sends snapshots to one worker. */
export interface SnapshotSender {
  /**
   * Sends `snapshot`: its header, its chunks, its end. A snapshot still on its way is abandoned: the worker drops
   * what it received of it when the new header comes.
   */
  send(snapshot: OutgoingSnapshot): void
  /**
   * Resolves, once nothing is on its way, with the number of the last snapshot sent whole (-1 for none); rejects
   * when the channel failed meanwhile.
   */
  idle(): Promise<number>
}

/** A {@link SnapshotSender} on `peer`; `closed` is called when its channel fails (the worker has exited). */
export function snapshotSender(peer: RpcPeer, closed: () => void): SnapshotSender {
  let runs = 0
  let sending = false
  let sent = -1
  let waiters: { resolve(seq: number): void; reject(err: Error): void }[] = []
  const settle = (error: Error | null): void => {
    const all = waiters
    waiters = []
    for (const waiter of all) {
      if (error === null) waiter.resolve(sent)
      else waiter.reject(error)
    }
  }
  return {
    send(snapshot) {
      const run = ++runs
      const { seq } = snapshot.header
      sending = true
      let next = 0
      const step = (error: Error | null): void => {
        // A newer snapshot took over: its own steps go on.
        if (run !== runs) return
        if (error !== null) {
          sending = false
          settle(error)
          closed()
        } else if (next < snapshot.chunks.length) {
          peer.emit(SNAPSHOT_CHUNK_EVENT, { seq, ...snapshot.chunks[next++]! }, step)
        } else if (next++ === snapshot.chunks.length) {
          peer.emit(SNAPSHOT_END_EVENT, { seq }, step)
        } else {
          sending = false
          sent = seq
          settle(null)
        }
      }
      peer.emit(SNAPSHOT_HEADER_EVENT, snapshot.header, step)
    },
    idle() {
      if (!sending) return Promise.resolve(sent)
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }))
    },
  }
}
