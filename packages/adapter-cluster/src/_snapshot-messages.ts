// The primary's SMD snapshot on its way to a worker (issue 19): a header, the node table's chunks (core's
// table-chunks.ts: at most 1 MiB of table bytes per message), then an end. One message of the whole ~30 MB table
// (100,000 nodes) kept a worker's event loop busy 51-158 ms reading and deserialising it (Node 24), and its
// requests waited behind it; a chunk costs it well under a millisecond.
import type { InventoryHealth, InventoryStats, TableChunk, TableHeader, TokenHealth, TokenMode, TokenStats } from '@metadata-service/core'

/** The primary's token source as a worker mirrors it (TOK-9 health, SVC-4 counters). */
export interface TokenStatus {
  readonly mode: TokenMode
  readonly health: TokenHealth
  readonly stats: TokenStats
}

/** The primary's inventory and token state a worker mirrors for `/health` and `/metrics` (SVC-1, SVC-4). */
export interface PrimaryStatus {
  readonly inventory: InventoryHealth
  readonly stats: InventoryStats
  /** Absent when the primary has no token source (`--mock-smd`). */
  readonly token?: TokenStatus
}

/** First of a snapshot: its number, the primary's status when it was taken, and the table's header. */
export interface SnapshotHeader {
  /** The number of the last snapshot broadcast when this one was taken; a broadcast snapshot has its own number. */
  readonly seq: number
  readonly status: PrimaryStatus
  readonly table: TableHeader
}

/** Bytes of snapshot `seq`'s table. */
export interface SnapshotChunk extends TableChunk {
  readonly seq: number
}

/** Last of snapshot `seq`: its table is whole. */
export interface SnapshotEnd {
  readonly seq: number
}

/** What `inventory.init` answers: every message of snapshot `seq` was written before this reply. */
export interface InitReply {
  readonly seq: number
}

// Events the primary sends about its inventory: the three parts of a snapshot after each sync, else its status.
export const SNAPSHOT_HEADER_EVENT = 'inventory.snapshot'
export const SNAPSHOT_CHUNK_EVENT = 'inventory.chunk'
export const SNAPSHOT_END_EVENT = 'inventory.end'
export const PRIMARY_STATUS_EVENT = 'primary.status'

/** A worker asks for the current snapshot; it is sent to that worker alone, then the call is answered. */
export const INIT_CALL = 'inventory.init'
