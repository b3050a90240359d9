import type { NodeTable } from '../node-table/node-table.js'

/** One IP address of an Ethernet interface (SMD `IPAddresses[]`). */
export interface InventoryIpAddress {
  readonly ip: string
  /** SMD `Network`, e.g. `HMN`; "" when absent. */
  readonly network: string
}

/** An SMD EthernetInterface of a node, in SMD order. */
export interface InventoryInterface {
  readonly id: string
  readonly description: string
  /** As SMD gives it; compare case-insensitively (NC-9). */
  readonly mac: string
  readonly type: string
  readonly ipAddresses: readonly InventoryIpAddress[]
}

/** A NIC from the node's ComponentEndpoint `RedfishSystemInfo.EthernetNICInfo` (SMD-5). */
export interface InventoryNic {
  readonly redfishId: string
  readonly description: string
  readonly mac: string
  readonly permanentMac: string
  /** `InterfaceEnabled`; absent means false. */
  readonly enabled: boolean
}

/** What the inventory knows about one node (SMD-9). */
export interface InventoryNode {
  /** The component ID, e.g. `x1000c0s0b0n0`. */
  readonly xname: string
  /** 0 when unknown. */
  readonly nid: number
  /** SMD `Role` as given (`Compute` from real SMD, `compute` from the mock). */
  readonly role: string
  /** Group labels in SMD order; `undefined` when memberships could not be read (NC-16 step 2, NC-17). */
  readonly groups: readonly string[] | undefined
  readonly interfaces: readonly InventoryInterface[]
  readonly nics: readonly InventoryNic[]
  /** Component-level address fields; fixtures and the mock only (NC-8 last fallback). */
  readonly componentIp?: string
  readonly componentMac?: string
}

/** Health of an inventory, for `/health` and metrics. */
export interface InventoryHealth {
  /** False until the first successful sync (SMD-14); true at once when sync is disabled or mocked. */
  readonly ready: boolean
  /** Snapshot older than 2x the sync interval (SMD-8). */
  readonly stale: boolean
  /** Unix ms of the last successful sync, if any. */
  readonly lastSuccessAt?: number
  /** The last sync or lookup error text, if any. */
  readonly lastError?: string
  /** Nodes and IPs in the snapshot. */
  readonly nodes: number
  readonly ips: number
}

/** The result of one live lookup on a snapshot miss (SMD-11): the node, none (SMD-12 negative cache), or a failure. */
export type InventoryLookupResult = 'found' | 'not_found' | 'error'

/**
 * An inventory's counters for `/metrics` (SVC-4 `metadata_service_smd_*`), read on a scrape only. An inventory
 * without a sync (a static one) reports no syncs: zero counts, `undefined` times, never stale.
 */
export interface InventoryStats {
  /** Successful syncs; a seeded first snapshot (the mock, SMD-15) counts as one. */
  readonly syncSuccesses: number
  /** Failed syncs (SMD-7). */
  readonly syncFailures: number
  /** Wall time of the last sync attempt, ms; `undefined` before one. */
  readonly lastSyncDurationMs: number | undefined
  /** Unix ms of the last successful sync; `undefined` before one. */
  readonly lastSuccessAt: number | undefined
  /** Seconds since the last successful sync; `undefined` before one. */
  readonly syncAgeSec: number | undefined
  /** As {@link InventoryHealth.stale}. */
  readonly stale: boolean
  /** Nodes and addresses in the snapshot, as {@link InventoryHealth}. */
  readonly nodes: number
  readonly ips: number
  /** Live lookups so far (SMD-11), by result. */
  readonly liveLookups: Readonly<Record<InventoryLookupResult, number>>
}

/**
 * The cluster inventory (SMD or the mock), answered from an in-memory snapshot. Implemented by
 * `@metadata-service/adapter-smd` (SMD and the mock) and `@metadata-service/adapter-cluster` (a worker's replica of
 * its primary's); `createFakeInventory()` in `@metadata-service/core/testing` for tests. Every implementation passes
 * `describeInventory` of `@metadata-service/core/testing`.
 */
export interface Inventory {
  /**
   * The node owning `address` (any of its component or interface IPs, compared in canonical form), or `undefined`
   * when none does. A duplicate address belongs to its first owner: component IPs before interface IPs, nodes in
   * inventory order (SMD-9). Rejects with `MetadataError('INVENTORY_UNAVAILABLE')` when the inventory cannot answer
   * (ID-4).
   */
  resolve(address: string): Promise<InventoryNode | undefined>
  /** The node with this xname, or `undefined`. Same rejections as `resolve`. */
  node(xname: string): Promise<InventoryNode | undefined>
  /**
   * Every node of the current snapshot, in inventory order (live-lookup results not included); empty before the
   * first sync. Used to pre-render documents and to hand the snapshot to worker processes; never called per request.
   */
  nodes(): Iterable<InventoryNode>
  /**
   * The snapshot `nodes()` lists, as a compact node table, when the inventory keeps one (adapter-smd, issue 19):
   * `--workers` copies it to each worker as a few buffers instead of a graph of a million objects. Optional; a
   * caller without it builds a table from `nodes()`.
   */
  snapshotTable?(): NodeTable
  /**
   * Changes whenever the snapshot `nodes()` lists changes (and when a sync drops the nodes live lookups found);
   * walks over every node (pre-render, boot status, seed tokens) and the rendered-document cache key on it. A node
   * a live lookup finds (SMD-11) leaves it as it is (issue 19): at 100,000 nodes each such node emptied the cache and
   * restarted every walk, and the cache checks each entry's node anyway (document-cache.ts).
   */
  generation(): number
  health(): InventoryHealth
  /**
   * Counters for `/metrics`, read on a scrape only (never per request). Required of every implementation, so
   * metrics never have to guess what an inventory can report; a static one reports no syncs (see
   * {@link InventoryStats}).
   */
  stats(): InventoryStats
  /** Starts syncing (no-op for static inventories). Resolves once started, not when the first sync is done. */
  start(): Promise<void>
  /** Stops background work. */
  close(): Promise<void>
}
