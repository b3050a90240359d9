import { parseNodeAddress, subnetContains, type NodeAddress } from '../networks/_address.js'
import { familyKeyOf, familyName } from '../networks/_subnet.js'
import type { NetworkPlan, NetworkPlanEntry, RoutePlan } from '../networks/plan.js'
import type { InventoryIpAddress, InventoryNode } from '../ports/inventory.js'
import { matchingInterface } from './interfaces.js'
import { guessedNote, leftOutNote, type NetworkConfigDocument, type NetworkConfigNote } from './network-config-notes.js'
import { toYamlText } from './yaml-text.js'

/** One v1 subnet entry, keys in the order they are written. */
interface SubnetEntry {
  type: 'static' | 'static6'
  address: string
  gateway?: string
  dns_nameservers?: string[]
  dns_search?: string[]
  routes?: { network: string; prefix: number; gateway: string; metric?: number }[]
}

/** What one node's document has used so far: each network's DNS and routes are written once per node. */
interface Written {
  readonly gateway: Set<'ipv4' | 'ipv6'>
  readonly dns: Set<string>
  readonly routes: Set<string>
  /** Networks (lower-case) and families the node has a written address in. */
  readonly present: Set<string>
}

/** The planned NC-15 document (see `buildNetworkConfigDocument`); the node has NICs and interfaces. */
export function plannedNetworkConfig(node: InventoryNode, plan: NetworkPlan): NetworkConfigDocument {
  const notes: NetworkConfigNote[] = plan.problems.map((problem) => ({ kind: 'ignored', reason: problem.message }))
  const counts = { defined: 0, guessed: 0, leftOut: 0 }
  const written: Written = { gateway: new Set(), dns: new Set(), routes: new Set(), present: new Set() }
  const config = node.nics.map((nic, i) => {
    const name = `eth${i}`
    const addresses = matchingInterface(node.interfaces, nic.mac)?.ipAddresses.filter((a) => a.ip !== '') ?? []
    const subnets: SubnetEntry[] = []
    const mtus = new Map<number, string>()
    const seen = new Set<string>()
    for (const address of addresses) {
      const ip = parseNodeAddress(address.ip)
      if (ip === undefined) {
        counts.leftOut += 1
        notes.push(leftOutNote(name, address, 'not an IP address'))
        continue
      }
      if (seen.has(ip.text)) continue // SMD listing one address twice is not a second address
      seen.add(ip.text)
      const key = address.network.toLowerCase()
      const entry = key === '' ? undefined : plan.networks.get(key)
      const family = familyKeyOf(ip.family)
      const subnet = entry?.[family]?.subnet
      if (subnet !== undefined && !subnetContains(subnet, ip)) {
        counts.leftOut += 1
        notes.push(leftOutNote(name, address, `outside ${entry!.name}'s ${familyName(ip.family)} subnet ${subnet.text}`))
        continue
      }
      let prefix = subnet?.prefix
      if (prefix === undefined) {
        prefix = ip.family === 4 ? 24 : 64
        counts.guessed += 1
        notes.push(guessedNote(name, address, prefix, guessReason(address, entry, ip)))
      } else {
        counts.defined += 1
      }
      const item: SubnetEntry = { type: ip.family === 4 ? 'static' : 'static6', address: `${ip.text}/${prefix}` }
      if (entry !== undefined) {
        written.present.add(`${key}/${family}`)
        if (entry.mtu !== undefined && !mtus.has(entry.mtu)) mtus.set(entry.mtu, entry.name)
        addGateway(item, ip, key, entry, plan, written, (reason) => notes.push({ kind: 'ignored', interface: name, reason }))
        addDns(item, key, entry, written)
        addRoutes(item, key, family, entry.routes, written)
      }
      subnets.push(item)
    }
    return {
      type: 'physical',
      name,
      mac_address: nic.mac,
      description: nic.description,
      ...mtuOf(mtus, name, notes),
      ...(subnets.length > 0 ? { subnets } : {}),
    }
  })
  notes.push(...unwritten(plan, written))
  return { body: toYamlText({ version: 1, config }), fromDefinitions: true, addresses: counts, notes }
}

// --- internal ---

function guessReason(address: InventoryIpAddress, entry: NetworkPlanEntry | undefined, ip: NodeAddress): string {
  if (entry !== undefined) return `no ${familyKeyOf(ip.family)}.subnet is defined for network ${entry.name}`
  return address.network === '' ? 'SMD names no network for it' : `no definition for network ${address.network}`
}

function addGateway(
  item: SubnetEntry,
  ip: NodeAddress,
  key: string,
  entry: NetworkPlanEntry,
  plan: NetworkPlan,
  written: Written,
  note: (reason: string) => void,
): void {
  const family = familyKeyOf(ip.family)
  const gateway = entry[family]?.gateway
  if (plan.defaultRoute !== key || gateway === undefined || written.gateway.has(family)) return
  written.gateway.add(family)
  // A node that is its own gateway (the router itself) must not route through itself.
  if (gateway.address === ip.text) return note(`default route via ${gateway.address} not written: it is this node's own address`)
  item.gateway = gateway.address
}

function addDns(item: SubnetEntry, key: string, entry: NetworkPlanEntry, written: Written): void {
  if (written.dns.has(key) || (entry.dnsNameservers.length === 0 && entry.dnsSearch.length === 0)) return
  written.dns.add(key)
  if (entry.dnsNameservers.length > 0) item.dns_nameservers = [...entry.dnsNameservers]
  if (entry.dnsSearch.length > 0) item.dns_search = [...entry.dnsSearch]
}

function addRoutes(item: SubnetEntry, key: string, family: 'ipv4' | 'ipv6', routes: readonly RoutePlan[], written: Written): void {
  const mine = routes.filter((route) => familyKeyOf(route.to.family) === family)
  if (mine.length === 0 || written.routes.has(`${key}/${family}`)) return
  written.routes.add(`${key}/${family}`)
  item.routes = mine.map((route) => ({
    network: route.to.network.address,
    prefix: route.to.prefix,
    gateway: route.via.address,
    ...(route.metric === undefined ? {} : { metric: route.metric }),
  }))
}

/** One MTU per interface: the smallest of its networks', since a too-large MTU loses packets and a small one does not. */
function mtuOf(mtus: ReadonlyMap<number, string>, iface: string, notes: NetworkConfigNote[]): { mtu?: number } {
  if (mtus.size === 0) return {}
  const sorted = [...mtus].sort(([a], [b]) => a - b)
  const [mtu, network] = sorted[0]!
  for (const [other, otherNetwork] of sorted.slice(1)) {
    notes.push({ kind: 'ignored', interface: iface, reason: `MTU ${other} of ${otherNetwork} not used: ${network} on the same interface has ${mtu}` })
  }
  return { mtu }
}

/** The default route and routes of networks the node is on that found no address of their family to go with. */
function unwritten(plan: NetworkPlan, written: Written): NetworkConfigNote[] {
  const notes: NetworkConfigNote[] = []
  const onNetwork = (key: string) => written.present.has(`${key}/ipv4`) || written.present.has(`${key}/ipv6`)
  for (const [key, entry] of plan.networks) {
    if (!onNetwork(key)) continue
    for (const family of ['ipv4', 'ipv6'] as const) {
      if (written.present.has(`${key}/${family}`)) continue
      for (const route of entry.routes.filter((r) => familyKeyOf(r.to.family) === family)) {
        notes.push({ kind: 'ignored', reason: `route to ${route.to.text} via ${route.via.address} not written: no ${family} address on ${entry.name}` })
      }
    }
  }
  const key = plan.defaultRoute
  const entry = key === undefined ? undefined : plan.networks.get(key)
  if (key !== undefined && entry !== undefined) {
    for (const family of ['ipv4', 'ipv6'] as const) {
      const gateway = entry[family]?.gateway
      if (gateway !== undefined && !written.gateway.has(family)) {
        notes.push({ kind: 'ignored', reason: `default route via ${gateway.address} not written: no ${family} address on ${entry.name}` })
      }
    }
  }
  return notes
}
