import {
  addressKey,
  buildNodeTable,
  openNodeTable,
  type Inventory,
  type InventoryHealth,
  type InventoryNode,
  type InventoryStats,
  type NodeTable,
  type NodeTableData,
  type TokenHealth,
  type TokenMode,
  type TokenSource,
  type TokenStats,
} from '@metadata-service/core'
import type { RpcPeer } from './rpc.js'

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

/**
 * A snapshot as the primary sends it: its current SMD snapshot as a node table (issue 19), a few buffers that
 * node:cluster's `advanced` IPC copies as bytes. Each worker then holds ~30 MB at 100,000 nodes where a copy of
 * the node objects was ~650 MB.
 */
interface SnapshotMessage {
  readonly table: NodeTableData
  readonly status: PrimaryStatus
  /** The number of the last snapshot broadcast when this one was taken; a broadcast snapshot has its own number. */
  readonly seq: number
}

// Events the primary sends about its inventory: a new snapshot after each sync, else its status.
const INVENTORY_SNAPSHOT_EVENT = 'inventory.snapshot'
const PRIMARY_STATUS_EVENT = 'primary.status'

/**
 * A worker's inventory: {@link Inventory} plus the primary's status it mirrors. Its `health()` and `stats()` are the
 * primary inventory's, as of the primary's last status.
 */
export interface ReplicaInventory extends Inventory {
  /** The primary's last status. */
  status(): PrimaryStatus
}

/**
 * Opens a worker's {@link Inventory}: the primary's SMD snapshot, copied to the worker after each sync, so a boot
 * storm is answered without leaving the worker. Addresses and xnames the snapshot does not hold are asked of the
 * primary, which runs the one live lookup (SMD-11, with its single-flight and negative cache), so SMD sees the
 * same calls however many workers there are (OPS-7).
 */
export async function openReplicaInventory(peer: RpcPeer): Promise<ReplicaInventory> {
  let table: NodeTable = buildNodeTable([])
  let generation = 0
  let applied = -1
  // Listening before asking for the first snapshot: one sent around the reply (one IPC read can carry both) is
  // kept and taken if it is newer than the reply's; status lines before the first snapshot are simply dropped.
  let early: SnapshotMessage | undefined
  let status: PrimaryStatus | undefined
  const replace = (message: SnapshotMessage): void => {
    if (message.seq <= applied) return
    table = openNodeTable(message.table)
    status = message.status
    applied = message.seq
    generation++
  }
  peer.onEvent(INVENTORY_SNAPSHOT_EVENT, (data) => {
    const message = data as SnapshotMessage
    if (status === undefined) early = early === undefined || message.seq > early.seq ? message : early
    else replace(message)
  })
  peer.onEvent(PRIMARY_STATUS_EVENT, (data) => {
    if (status !== undefined) status = data as PrimaryStatus
  })
  replace(await peer.call<SnapshotMessage>('inventory.init'))
  if (early !== undefined) replace(early)
  const current = (): PrimaryStatus => status as PrimaryStatus

  return {
    async resolve(address) {
      return table.owner(addressKey(address)) ?? peer.call<InventoryNode | undefined>('inventory.resolve', address)
    },
    async node(xname) {
      return table.node(xname) ?? peer.call<InventoryNode | undefined>('inventory.node', xname)
    },
    nodes: () => table.nodes(),
    snapshotTable: () => table,
    generation: () => generation,
    health: () => current().inventory,
    stats: () => current().stats,
    status: current,
    async start() {},
    async close() {},
  }
}

/**
 * The primary's side of {@link openReplicaInventory}: the first snapshot and the lookups of snapshot misses, and
 * every `pollMs` (default 250) the whole snapshot, numbered, when a sync has succeeded since the last look and changed
 * the inventory generation, else just the status (health, SMD and token state). `stop` ends the broadcasting.
 */
export function serveReplicaInventory(
  inventory: Inventory,
  tokenSource: TokenSource | undefined,
  broadcast: (event: string, data: unknown) => void,
  pollMs = 250,
) {
  let seq = 0
  const snapshot = (number: number): SnapshotMessage => ({
    table: (inventory.snapshotTable?.() ?? buildNodeTable(inventory.nodes())).data,
    status: primaryStatus(inventory, tokenSource),
    seq: number,
  })
  let lastSync = inventory.health().lastSuccessAt
  let lastGeneration = inventory.generation()
  const timer = setInterval(() => {
    const at = inventory.health().lastSuccessAt
    const generation = inventory.generation()
    // A sync that found SMD unchanged keeps the generation: the workers keep their snapshot and rendered documents.
    // A generation change without a sync is the primary's live-lookup overlay, which workers ask for anyway.
    if (at !== lastSync && generation !== lastGeneration) {
      lastSync = at
      lastGeneration = generation
      return broadcast(INVENTORY_SNAPSHOT_EVENT, snapshot(++seq))
    }
    lastSync = at
    broadcast(PRIMARY_STATUS_EVENT, primaryStatus(inventory, tokenSource))
  }, pollMs)
  timer.unref()
  const handlers = {
    'inventory.init': (): SnapshotMessage => snapshot(seq),
    'inventory.resolve': (address: string) => inventory.resolve(address),
    'inventory.node': (xname: string) => inventory.node(xname),
  }
  return { handlers, stop: () => clearInterval(timer) }
}

// --- internal ---

/** The state a worker mirrors for `/health` and `/metrics`. */
function primaryStatus(inventory: Inventory, tokenSource: TokenSource | undefined): PrimaryStatus {
  const status = { inventory: inventory.health(), stats: inventory.stats() }
  if (tokenSource === undefined) return status
  return { ...status, token: { mode: tokenSource.mode, health: tokenSource.health(), stats: tokenSource.stats() } }
}
