import { createInterning } from './_intern.js'
import { interfaceMatches, nicsMatch, nodeMatches, sameItems, sameLabels, type NodeFields } from './_snapshot-reuse.js'
import { NODES_PER_SLICE, indexByIp, replayConflicts, setConflicts } from './_ip-index.js'
import type { InventoryInterface, InventoryNic, InventoryNode, Logger } from '@metadata-service/core'
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

/** An immutable copy of SMD, built by one bulk sync (SMD-9). Lookups are O(1) map reads. */
export interface SmdSnapshot {
  /** Nodes by xname, in SMD component order. */
  readonly nodes: ReadonlyMap<string, InventoryNode>
  /** Every component and interface IP (HMN, HSN, …) to its node. */
  readonly byIp: ReadonlyMap<string, InventoryNode>
}


/** The snapshot before the first successful sync: nothing known. */
export const EMPTY_SNAPSHOT: SmdSnapshot = Object.freeze({ nodes: new Map(), byIp: new Map() })

/**
 * Builds the snapshot from the four parsed payloads (see {@link createSnapshotBuilder} for the rules). Interfaces,
 * memberships and endpoints are indexed by xname first, so the cost is linear in the payload size.
 */
export function buildSnapshot(bulk: WireBulk, logger: Logger, previous?: SmdSnapshot): SmdSnapshot {
  const builder = createSnapshotBuilder(logger, previous)
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


function newNode(xname: string, f: NodeFields): InventoryNode {
  const node: InventoryNode = { xname, nid: f.nid, role: f.role, groups: f.groups, interfaces: f.interfaces, nics: f.nics }
  // Set only when present (fixtures and the mock): an object literal with spreads cost ~0.1 s at 100k nodes.
  if (f.componentIp) (node as { componentIp?: string }).componentIp = f.componentIp
  if (f.componentMac) (node as { componentMac?: string }).componentMac = f.componentMac
  return Object.freeze(node)
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
 * - Nodes, interfaces, NIC and group lists equal to those of `previous` (the snapshot being served) are taken
 *   from it rather than rebuilt, so two syncs in a row share what SMD did not change (OPS-7).
 */
export function createSnapshotBuilder(logger: Logger, previous?: SmdSnapshot): SnapshotBuilder {
  const before = previous?.nodes
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
    const nodes = new Map<string, InventoryNode>()
    // Whether every node so far is `previous`'s node at the same place: then its IP index is this one's too.
    const walk = before?.values()
    let unchanged = walk !== undefined
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!
      if (nodes.has(id)) continue
      const prev = before?.get(id)
      const list = interfaces.get(id) ?? EMPTY
      const groups = labels ? (labels.get(id) ?? EMPTY) : undefined
      const fields: NodeFields = {
        nid: nids[k]!,
        role: roles[k]!,
        groups: prev && sameLabels(prev.groups, groups) ? prev.groups : groups,
        // slice(): a pushed-to array keeps spare capacity (17 slots after the 2nd push); the copy is exact.
        interfaces: sameItems(prev?.interfaces, list) ? prev!.interfaces : Object.freeze(list.length > 1 ? list.slice() : list),
        nics: nics.get(id) ?? EMPTY,
        componentIp: ips[k],
        componentMac: macs[k],
      }
      const node = prev && nodeMatches(prev, fields) ? prev : newNode(id, fields)
      nodes.set(id, node)
      unchanged &&= walk!.next().value === node
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
    if (unchanged && previous && nodes.size === previous.nodes.size) {
      // SMD changed nothing: serve on with the same snapshot (no second 200k-entry index), logging its
      // duplicate IPs again as a rebuild would (SMD-9).
      replayConflicts(previous, logger)
      return previous
    }
    const byIp = yield* indexByIp(nodes, logger)
    const next: SmdSnapshot = Object.freeze({ nodes, byIp: byIp.index })
    setConflicts(next, byIp.conflicts)
    return next
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
      const prev = before?.get(owner)?.interfaces[list ? list.length : 0]
      const iface: InventoryInterface = prev && interfaceMatches(prev, w) ? prev : Object.freeze({
        id: w.ID ?? '',
        description: description(w.Description ?? ''),
        mac: w.MACAddress ?? '',
        type: type(w.Type ?? ''),
        ipAddresses: w.IPAddresses?.length
          ? Object.freeze(w.IPAddresses.map((a) => Object.freeze({ ip: a.IPAddress ?? '', network: network(a.Network ?? '') })))
          : EMPTY,
      })
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
      const prev = before?.get(e.ID)?.nics
      if (prev && nicsMatch(prev, wire)) return void nics.set(e.ID, prev)
      const list = wire.map(
        (n): InventoryNic =>
          Object.freeze({
            redfishId: redfishId(n.RedfishId == null ? '' : String(n.RedfishId)),
            description: nicDescription(n.Description ?? ''),
            mac: n.MACAddress ?? '',
            permanentMac: n.PermanentMACAddress === n.MACAddress ? (n.MACAddress ?? '') : (n.PermanentMACAddress ?? ''),
            enabled: n.InterfaceEnabled ?? false,
          }),
      )
      nics.set(e.ID, Object.freeze(list))
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
