import type { InventoryNode } from '../ports/inventory.js'
import { parseNodeAddress, subnetContains } from './_address.js'
import { familyKeyOf } from './_subnet.js'
import type { NetworkPlan } from './plan.js'

/** A node with the plan its network-config would be built from, and where that plan comes from (for messages). */
export interface PlannedNode {
  readonly node: InventoryNode
  readonly plan: NetworkPlan
  /** e.g. `with InstanceInfo x1000c0s0b0n0 merged`; absent for the cluster's own plan. */
  readonly source?: string
}

/**
 * The addresses SMD lists that their network's definition contradicts (issue 14: "refuse at write where the
 * conflict is visible"): an address of a network whose subnet of that family does not contain it. One message per
 * subnet field, naming the first such address and how many more there are, e.g.
 * `networks.HMN.ipv4.subnet (10.252.0.0/17) must contain the HMN addresses SMD lists: 10.254.0.26 of x1000c0s0b0n0
 * is outside (and 3 more)`. Addresses that are no IP text and networks without a subnet are the render's business
 * (left out, or guessed), not a write's.
 */
export function addressConflicts(nodes: Iterable<PlannedNode>): string[] {
  const found = new Map<string, { first: string; more: number }>()
  for (const { node, plan, source } of nodes) {
    if (plan.networks.size === 0) continue
    for (const iface of node.interfaces) {
      for (const address of iface.ipAddresses) {
        const entry = address.network === '' ? undefined : plan.networks.get(address.network.toLowerCase())
        if (entry === undefined) continue
        const ip = parseNodeAddress(address.ip)
        if (ip === undefined) continue
        const family = familyKeyOf(ip.family)
        const subnet = entry[family]?.subnet
        if (subnet === undefined || subnetContains(subnet, ip)) continue
        const key = `networks.${entry.name}.${family}.subnet (${subnet.text}) must contain the ${entry.name} addresses SMD lists`
        const known = found.get(key)
        if (known !== undefined) known.more += 1
        else found.set(key, { first: `${address.ip} of ${node.xname}${source === undefined ? '' : ` (${source})`} is outside`, more: 0 })
      }
    }
  }
  return [...found].map(([key, { first, more }]) => `${key}: ${first}${more > 0 ? ` (and ${more} more)` : ''}`)
}
