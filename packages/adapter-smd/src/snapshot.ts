import {
  buildNodeTable,
  createNodeTableBuilder,
  openNodeTable,
  type AddressConflicts,
  type InventoryInterface,
  type InventoryNic,
  type InventoryNode,
  type Logger,
  type NodeTable,
} from '@metadata-service/core'
import { createInterning } from './_intern.js'
import {
  componentNid,
  endpointNics,
  membershipLabels,
  type WireBulk,
  type WireComponent,
  type WireEndpoint,
  type WireInterface,
  type WireMembership,
} from './wire.js'

/**
 * An immutable copy of SMD, built by one bulk sync (SMD-9): core's compact node table (issue 19), nodes by xname
 * in SMD component order and every component and interface IP (HMN, HSN, …) to its node. Lookups are O(1).
 */
export type SmdSnapshot = NodeTable

/** The snapshot before the first successful sync: nothing known. */
export const EMPTY_SNAPSHOT: SmdSnapshot = buildNodeTable([])

/**
 * Builds the snapshot from the four parsed payloads (see {@link createSnapshotBuilder} for the rules). Interfaces,
 * memberships and endpoints are indexed by xname first, so the cost is linear in the payload size.
 */
export function buildSnapshot(bulk: WireBulk, logger: Logger): SmdSnapshot {
  const builder = createSnapshotBuilder(logger)
  for (const c of bulk.components) builder.component(c)
  for (const i of bulk.interfaces) builder.iface(i)
  if (bulk.memberships) for (const m of bulk.memberships) builder.membership(m)
  else builder.withoutMemberships()
  for (const e of bulk.endpoints) builder.endpoint(e)
  return builder.finish()
}

/** The four payloads of a sync, one record at a time in any interleaving, and the snapshot they make (SMD-9). */
export interface SnapshotBuilder {
  component(c: WireComponent): void
  iface(i: WireInterface): void
  membership(m: WireMembership): void
  endpoint(e: WireEndpoint): void
  /** Memberships could not be read: every node gets `groups: undefined` (NC-17). */
  withoutMemberships(): void
  /** Forgets what one payload delivered so far (its records turned out to be replaced). */
  reset(part: SnapshotPart): void
  /** The snapshot, at once. */
  finish(): SmdSnapshot
  /** The snapshot, yielding to the event loop every few thousand nodes (a 100k sync must not stall requests, OPS-7). */
  finishAsync(): Promise<SmdSnapshot>
}

/** The payload a record comes from. */
export type SnapshotPart = 'components' | 'interfaces' | 'memberships' | 'endpoints'


/** Nodes per slice of work between yields to the event loop: ~5 ms at 100k nodes (p99 ≤ 50 ms during a sync, OPS-7). */
const NODES_PER_SLICE = 2048

// Past this many duplicate IPs, only a summary line is logged: a broken SMD must not flood the log every sync.
const MAX_CONFLICT_LOGS = 20

function newNode(xname: string, nid: number, role: string, groups: readonly string[] | undefined, interfaces: readonly InventoryInterface[], nics: readonly InventoryNic[], componentIp: string | undefined, componentMac: string | undefined): InventoryNode {
  const node: InventoryNode = { xname, nid, role, groups, interfaces, nics }
  if (componentIp) (node as { componentIp?: string }).componentIp = componentIp
  if (componentMac) (node as { componentMac?: string }).componentMac = componentMac
  return node
}

/** Logs the duplicate IPs of a sync at warn level (SMD-9): the first 20, then a summary line. */
function logConflicts({ logged, count }: AddressConflicts, logger: Logger): void {
  for (const c of logged) logger.warn('duplicate IP in SMD inventory; the first owner wins', { ...c })
  if (count > MAX_CONFLICT_LOGS) logger.warn('duplicate IPs in SMD inventory', { conflicts: count })
}

/**
 * An incremental {@link buildSnapshot}, fed while the payloads arrive so that each record can be dropped once
 * indexed (OPS-7). The result does not depend on how the four payloads interleave:
 *
 * - Components without memberships get `groups: []`; after `withoutMemberships()` every node gets
 *   `groups: undefined` (memberships unreadable, NC-17). The first record of an xname wins, in every payload.
 * - Interfaces with an empty `ComponentID` are skipped (SMD-5); interfaces of unknown components are ignored.
 * - On a duplicate IP the first owner wins (component IPs first, then each node's interfaces, nodes in SMD
 *   order) and the conflict is logged at warn level (SMD-9). Keys are canonical addresses (`addressKey` of core).
 *
 * Two syncs of an unchanged SMD give tables equal byte for byte (`sameNodeTableData`), which is how the inventory
 * keeps its generation (OPS-7).
 */
export function createSnapshotBuilder(logger: Logger): SnapshotBuilder {
  const interning = createInterning()
  const role = interning.field()
  const description = interning.field()
  const type = interning.field()
  const network = interning.field()
  const redfishId = interning.field()
  const nicDescription = interning.field()
  const shareLabels = interning.labels()
  // Components in SMD order, as parallel columns: cheaper than one object per component until the nodes exist.
  let ids: string[] = []
  let nids: number[] = []
  let roles: string[] = []
  let ips: Array<string | undefined> = []
  let macs: Array<string | undefined> = []
  let interfaces = new Map<string, InventoryInterface[]>()
  let labels: Map<string, readonly string[]> | undefined = new Map()
  let nics = new Map<string, readonly InventoryNic[]>()

  function* assemble(): Generator<undefined, SmdSnapshot> {
    const table = createNodeTableBuilder({ maxLoggedConflicts: MAX_CONFLICT_LOGS })
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!
      const groups = labels ? (labels.get(id) ?? EMPTY) : undefined
      // A repeated xname is skipped by the table: the first record wins.
      table.add(newNode(id, nids[k]!, roles[k]!, groups, interfaces.get(id) ?? EMPTY, nics.get(id) ?? EMPTY, ips[k], macs[k]))
      if (k % NODES_PER_SLICE === NODES_PER_SLICE - 1) yield
    }
    ids = []
    nids = []
    roles = []
    ips = []
    macs = []
    interfaces = new Map()
    nics = new Map()
    labels = undefined
    const { data, conflicts } = table.finish()
    logConflicts(conflicts, logger)
    return openNodeTable(data)
  }

  return {
    component(c) {
      ids.push(c.ID)
      nids.push(componentNid(c))
      roles.push(role(c.Role ?? ''))
      ips.push(c.IP || c.IPAddress || undefined)
      macs.push(c.MAC || undefined)
    },
    iface(w) {
      const owner = w.ComponentID
      if (!owner) return
      const list = interfaces.get(owner)
      const iface: InventoryInterface = {
        id: w.ID ?? '',
        description: description(w.Description ?? ''),
        mac: w.MACAddress ?? '',
        type: type(w.Type ?? ''),
        ipAddresses: w.IPAddresses?.length ? w.IPAddresses.map((a) => ({ ip: a.IPAddress ?? '', network: network(a.Network ?? '') })) : EMPTY,
      }
      if (list) list.push(iface)
      else interfaces.set(owner, [iface])
    },
    membership(m) {
      if (labels && !labels.has(m.id)) labels.set(m.id, shareLabels(membershipLabels(m)))
    },
    endpoint(e) {
      if (nics.has(e.ID)) return
      const wire = endpointNics(e)
      if (wire.length === 0) return void nics.set(e.ID, EMPTY)
      const list = wire.map(
        (n): InventoryNic => ({
          redfishId: redfishId(n.RedfishId == null ? '' : String(n.RedfishId)),
          description: nicDescription(n.Description ?? ''),
          mac: n.MACAddress ?? '',
          permanentMac: n.PermanentMACAddress === n.MACAddress ? (n.MACAddress ?? '') : (n.PermanentMACAddress ?? ''),
          enabled: n.InterfaceEnabled ?? false,
        }),
      )
      nics.set(e.ID, list)
    },
    withoutMemberships() {
      labels = undefined
    },
    reset(part) {
      if (part === 'components') {
        ids = []
        nids = []
        roles = []
        ips = []
        macs = []
      } else if (part === 'interfaces') interfaces = new Map()
      else if (part === 'memberships') labels &&= new Map()
      else nics = new Map()
    },
    finish() {
      const run = assemble()
      for (;;) {
        const step = run.next()
        if (step.done) return step.value
      }
    },
    async finishAsync() {
      const run = assemble()
      for (;;) {
        const step = run.next()
        if (step.done) return step.value
        await new Promise((resolve) => setImmediate(resolve))
      }
    },
  }
}

const EMPTY: readonly never[] = Object.freeze([])
