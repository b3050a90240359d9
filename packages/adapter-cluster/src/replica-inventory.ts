import {
  addressKey,
  buildNodeTable,
  createTableReceiver,
  openNodeTable,
  type Inventory,
  type InventoryNode,
  type NodeTable,
  type TableReceiver,
  type TokenSource,
} from '@metadata-service/core'
import {
  INIT_CALL,
  PRIMARY_STATUS_EVENT,
  SNAPSHOT_CHUNK_EVENT,
  SNAPSHOT_END_EVENT,
  SNAPSHOT_HEADER_EVENT,
  type InitReply,
  type PrimaryStatus,
  type SnapshotChunk,
  type SnapshotEnd,
  type SnapshotHeader,
} from './_snapshot-messages.js'
import { outgoingSnapshot, snapshotSender, type SnapshotSender } from './_snapshot-sender.js'
import type { RpcPeer } from './rpc.js'

export type { PrimaryStatus, TokenStatus } from './_snapshot-messages.js'

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
  // Status lines before the first snapshot are dropped: each snapshot brings the status it was taken with.
  let status: PrimaryStatus | undefined
  // The snapshot being received, newer than the one served; requests keep the one served until it is whole.
  let incoming: { readonly seq: number; status: PrimaryStatus; readonly table: TableReceiver } | undefined
  let failure: string | undefined
  // Listening before asking for the first snapshot, so a broadcast around the reply is taken when newer. A worker
  // whose end connects while a broadcast is under way sees chunks without their header and ignores them.
  peer.onEvent(SNAPSHOT_HEADER_EVENT, (data) => {
    const header = data as SnapshotHeader
    // A new header drops what an older one started (the primary abandoned it for this newer one).
    incoming = header.seq > applied ? { seq: header.seq, status: header.status, table: createTableReceiver() } : undefined
    incoming?.table.header(header.table)
  })
  peer.onEvent(SNAPSHOT_CHUNK_EVENT, (data) => {
    const chunk = data as SnapshotChunk
    if (chunk.seq === incoming?.seq) incoming.table.chunk(chunk)
  })
  peer.onEvent(SNAPSHOT_END_EVENT, (data) => {
    if ((data as SnapshotEnd).seq !== incoming?.seq) return
    const { seq, status: taken, table: received } = incoming
    incoming = undefined
    const whole = received.finish()
    // Cannot happen on an ordered channel; the served snapshot stays (a later one replaces it), and a worker
    // still starting fails with the reason.
    if (typeof whole === 'string') failure = `the primary sent ${whole}`
    else {
      table = openNodeTable(whole)
      status = taken
      applied = seq
      generation++
    }
  })
  peer.onEvent(PRIMARY_STATUS_EVENT, (data) => {
    // Newer than the status a snapshot on its way was taken with: that one must not bring it back.
    if (incoming !== undefined) incoming.status = data as PrimaryStatus
    if (status !== undefined) status = data as PrimaryStatus
  })
  // The reply comes after every message of snapshot `seq` (or of a newer one), in order on the channel.
  const { seq } = await peer.call<InitReply>(INIT_CALL)
  if (applied < seq) throw new Error(`no snapshot from the primary: ${failure ?? `snapshot ${seq} did not arrive`}`)
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
 * The primary's side of {@link openReplicaInventory}: the lookups of snapshot misses (`handlers`), and for each
 * worker registered with `listen`, its first snapshot (the `inventory.init` call), then every `pollMs` (default
 * 250) the whole snapshot, numbered, when a sync has succeeded since the last look and changed the inventory
 * generation, else just the status (health, SMD and token state). A snapshot goes as a header, chunks of at most
 * 1 MiB of table bytes and an end, one message at a time per worker (see _snapshot-sender.ts). `stop` ends the
 * broadcasting.
 */
export function serveReplicaInventory(inventory: Inventory, tokenSource: TokenSource | undefined, pollMs = 250) {
  let seq = 0
  const senders = new Map<RpcPeer, SnapshotSender>()
  const snapshot = (number: number) =>
    outgoingSnapshot(number, primaryStatus(inventory, tokenSource), (inventory.snapshotTable?.() ?? buildNodeTable(inventory.nodes())).data)
  let lastSync = inventory.health().lastSuccessAt
  let lastGeneration = inventory.generation()
  const timer = setInterval(() => {
    const at = inventory.health().lastSuccessAt
    const generation = inventory.generation()
    // A sync that found SMD unchanged keeps the generation: the workers keep their snapshot and rendered documents.
    // (Nodes the primary's live lookups find never change it; workers ask the primary for them anyway.)
    if (at !== lastSync && generation !== lastGeneration) {
      lastSync = at
      lastGeneration = generation
      const next = snapshot(++seq)
      for (const sender of senders.values()) sender.send(next)
      return
    }
    lastSync = at
    const status = primaryStatus(inventory, tokenSource)
    for (const peer of senders.keys()) peer.emit(PRIMARY_STATUS_EVENT, status, (error) => error && senders.delete(peer))
  }, pollMs)
  timer.unref()
  const handlers = {
    'inventory.resolve': (address: string) => inventory.resolve(address),
    'inventory.node': (xname: string) => inventory.node(xname),
  }
  return {
    handlers,
    /** Serves `peer`'s worker: its `inventory.init` call, then every snapshot and status; until its channel fails. */
    listen(peer: RpcPeer): void {
      const sender = snapshotSender(peer, () => senders.delete(peer))
      senders.set(peer, sender)
      // The current snapshot in chunks to this worker alone, even if a broadcast is on its way to it: its end of the
      // channel may have connected after that broadcast's header went.
      peer.onCall(INIT_CALL, async (): Promise<InitReply> => {
        sender.send(snapshot(seq))
        return { seq: await sender.idle() }
      })
    },
    stop: () => clearInterval(timer),
  }
}

// --- internal ---

/** The state a worker mirrors for `/health` and `/metrics`. */
function primaryStatus(inventory: Inventory, tokenSource: TokenSource | undefined): PrimaryStatus {
  const status = { inventory: inventory.health(), stats: inventory.stats() }
  if (tokenSource === undefined) return status
  return { ...status, token: { mode: tokenSource.mode, health: tokenSource.health(), stats: tokenSource.stats() } }
}
