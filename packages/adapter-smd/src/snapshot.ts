import { parseIp, type InventoryInterface, type InventoryNic, type InventoryNode, type Logger } from '@metadata-service/core'
import {
  componentNid,
  endpointNics,
  membershipLabels,
  type WireBulk,
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

// Past this many duplicate IPs, only a summary line is logged: a broken SMD must not flood the log every sync.
const MAX_CONFLICT_LOGS = 20

/**
 * Builds the snapshot from the four parsed payloads. Interfaces, memberships and endpoints are indexed by xname
 * first, so the cost is linear in the payload size (100k nodes in well under a second).
 *
 * - Components without memberships get `groups: []`; with `bulk.memberships` undefined every node gets
 *   `groups: undefined` (memberships unreadable, NC-17).
 * - Interfaces with an empty `ComponentID` are skipped (SMD-5); interfaces of unknown components are ignored.
 * - On a duplicate IP the first owner wins (component IPs first, then each node's interfaces, nodes in SMD
 *   order) and the conflict is logged at warn level (SMD-9). Keys are canonical addresses ({@link ipKey}).
 */
export function buildSnapshot(bulk: WireBulk, logger: Logger): SmdSnapshot {
  const intern = createInterner()
  const interfaces = groupInterfaces(bulk.interfaces, intern)
  const labels = bulk.memberships && groupMemberships(bulk.memberships, intern)
  const nics = groupNics(bulk.endpoints, intern)
  const nodes = new Map<string, InventoryNode>()
  for (const c of bulk.components) {
    if (nodes.has(c.ID)) continue
    const ip = c.IP || c.IPAddress
    const node: InventoryNode = Object.freeze({
      xname: c.ID,
      nid: componentNid(c),
      role: intern(c.Role ?? ''),
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

type Interner = (text: string) => string

/**
 * Shares one copy of each repeated short string (descriptions, networks, roles, labels): JSON.parse makes a new
 * string per occurrence, and at 100k nodes the copies are a good part of the snapshot. Bounded, so a payload of
 * unique values costs a lookup, not a second copy of itself.
 */
function createInterner(maxEntries = 10_000): Interner {
  const seen = new Map<string, string>()
  return (text) => {
    const known = seen.get(text)
    if (known !== undefined) return known
    if (seen.size < maxEntries && text.length <= 64) seen.set(text, text)
    return text
  }
}

const PLAIN_IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

/**
 * The index key of an address: its canonical text (`::FFFF:A` and `::ffff:a` meet), so SMD's spelling and the
 * client address of ID-1 agree. Plain dotted IPv4, the common case, is already canonical and skips the parser.
 */
export function ipKey(text: string): string {
  return PLAIN_IPV4.test(text) ? text : (parseIp(text)?.address ?? text)
}

function groupInterfaces(wire: readonly WireInterface[], intern: Interner): Map<string, InventoryInterface[]> {
  const out = new Map<string, InventoryInterface[]>()
  for (const w of wire) {
    const owner = w.ComponentID
    if (!owner) continue
    const iface: InventoryInterface = Object.freeze({
      id: w.ID ?? '',
      description: intern(w.Description ?? ''),
      mac: w.MACAddress ?? '',
      type: intern(w.Type ?? ''),
      ipAddresses: Object.freeze(
        (w.IPAddresses ?? []).map((a) => Object.freeze({ ip: a.IPAddress ?? '', network: intern(a.Network ?? '') })),
      ),
    })
    const list = out.get(owner)
    if (list) list.push(iface)
    else out.set(owner, [iface])
  }
  for (const list of out.values()) Object.freeze(list)
  return out
}

function groupMemberships(wire: readonly WireMembership[], intern: Interner): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>()
  for (const m of wire) if (!out.has(m.id)) out.set(m.id, Object.freeze(membershipLabels(m).map(intern)))
  return out
}

function groupNics(wire: readonly WireEndpoint[], intern: Interner): Map<string, readonly InventoryNic[]> {
  const out = new Map<string, readonly InventoryNic[]>()
  for (const e of wire) {
    if (out.has(e.ID)) continue
    const nics = endpointNics(e).map(
      (n): InventoryNic =>
        Object.freeze({
          redfishId: intern(n.RedfishId == null ? '' : String(n.RedfishId)),
          description: intern(n.Description ?? ''),
          mac: n.MACAddress ?? '',
          permanentMac: n.PermanentMACAddress ?? '',
          enabled: n.InterfaceEnabled ?? false,
        }),
    )
    out.set(e.ID, Object.freeze(nics))
  }
  return out
}

function indexByIp(nodes: ReadonlyMap<string, InventoryNode>, logger: Logger): Map<string, InventoryNode> {
  const byIp = new Map<string, InventoryNode>()
  let conflicts = 0
  const add = (text: string, node: InventoryNode): void => {
    if (text === '') return
    const ip = ipKey(text)
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
