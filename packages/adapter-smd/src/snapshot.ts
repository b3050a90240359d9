import type { InventoryInterface, InventoryNic, InventoryNode, Logger } from '@metadata-service/core'
import type { WireBulk, WireEndpoint, WireInterface, WireMembership } from './wire.js'

/** An immutable copy of SMD, built by one bulk sync (SMD-9). Lookups are O(1) map reads. */
export interface SmdSnapshot {
  /** Nodes by xname, in SMD component order. */
  readonly nodes: ReadonlyMap<string, InventoryNode>
  /** Every component and interface IP (HMN, HSN, …) to its node. */
  readonly byIp: ReadonlyMap<string, InventoryNode>
}

/** The snapshot before the first successful sync: nothing known. */
export const EMPTY_SNAPSHOT: SmdSnapshot = Object.freeze({ nodes: new Map(), byIp: new Map() })

// Past this many duplicate IPs, only a summary line is logged: a broken SMD must not flood the log every sync.
const MAX_CONFLICT_LOGS = 20

/**
 * Builds the snapshot from the four parsed payloads. Interfaces, memberships and endpoints are indexed by xname
 * first, so the cost is linear in the payload size (100k nodes in well under a second).
 *
 * - Components without memberships get `groups: []`; with `bulk.memberships` undefined every node gets
 *   `groups: undefined` (memberships unreadable, NC-17).
 * - Interfaces with an empty `ComponentID` are skipped (SMD-5); interfaces of unknown components are ignored.
 * - On a duplicate IP the first owner wins (component IPs first, then interfaces in SMD order) and the
 *   conflict is logged at warn level (SMD-9).
 */
export function buildSnapshot(bulk: WireBulk, logger: Logger): SmdSnapshot {
  const interfaces = groupInterfaces(bulk.interfaces)
  const labels = bulk.memberships && groupMemberships(bulk.memberships)
  const nics = groupNics(bulk.endpoints)
  const nodes = new Map<string, InventoryNode>()
  for (const c of bulk.components) {
    if (nodes.has(c.ID)) continue
    const ip = c.IP || c.IPAddress
    const node: InventoryNode = Object.freeze({
      xname: c.ID,
      nid: c.NID,
      role: c.Role,
      groups: labels ? (labels.get(c.ID) ?? EMPTY) : undefined,
      interfaces: interfaces.get(c.ID) ?? EMPTY,
      nics: nics.get(c.ID) ?? EMPTY,
      ...(ip ? { componentIp: ip } : {}),
      ...(c.MAC ? { componentMac: c.MAC } : {}),
    })
    nodes.set(c.ID, node)
  }
  return Object.freeze({ nodes, byIp: indexByIp(nodes, logger) })
}

const EMPTY: readonly never[] = Object.freeze([])

function groupInterfaces(wire: readonly WireInterface[]): Map<string, InventoryInterface[]> {
  const out = new Map<string, InventoryInterface[]>()
  for (const w of wire) {
    if (w.ComponentID === '') continue
    const iface: InventoryInterface = Object.freeze({
      id: w.ID,
      description: w.Description,
      mac: w.MACAddress,
      type: w.Type,
      ipAddresses: Object.freeze(w.IPAddresses.map((a) => Object.freeze({ ip: a.IPAddress, network: a.Network }))),
    })
    const list = out.get(w.ComponentID)
    if (list) list.push(iface)
    else out.set(w.ComponentID, [iface])
  }
  for (const list of out.values()) Object.freeze(list)
  return out
}

function groupMemberships(wire: readonly WireMembership[]): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>()
  for (const m of wire) if (!out.has(m.id)) out.set(m.id, Object.freeze([...m.labels]))
  return out
}

function groupNics(wire: readonly WireEndpoint[]): Map<string, readonly InventoryNic[]> {
  const out = new Map<string, readonly InventoryNic[]>()
  for (const e of wire) {
    if (out.has(e.id)) continue
    const nics = e.nics.map(
      (n): InventoryNic =>
        Object.freeze({
          redfishId: n.RedfishId,
          description: n.Description,
          mac: n.MACAddress,
          permanentMac: n.PermanentMACAddress,
          enabled: n.InterfaceEnabled,
        }),
    )
    out.set(e.id, Object.freeze(nics))
  }
  return out
}

function indexByIp(nodes: ReadonlyMap<string, InventoryNode>, logger: Logger): Map<string, InventoryNode> {
  const byIp = new Map<string, InventoryNode>()
  let conflicts = 0
  const add = (ip: string, node: InventoryNode): void => {
    if (ip === '') return
    const owner = byIp.get(ip)
    if (owner === undefined) {
      byIp.set(ip, node)
    } else if (owner !== node) {
      conflicts++
      if (conflicts <= MAX_CONFLICT_LOGS) {
        logger.warn('duplicate IP in SMD inventory; the first owner wins', { ip, kept: owner.xname, ignored: node.xname })
      }
    }
  }
  for (const node of nodes.values()) if (node.componentIp) add(node.componentIp, node)
  for (const node of nodes.values()) {
    for (const iface of node.interfaces) for (const a of iface.ipAddresses) add(a.ip, node)
  }
  if (conflicts > MAX_CONFLICT_LOGS) logger.warn('duplicate IPs in SMD inventory', { conflicts })
  return byIp
}
