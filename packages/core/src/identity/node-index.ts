import { addressKey } from '../ip/address-key.js'
import type { InventoryNode } from '../ports/inventory.js'

/**
 * Indexes nodes by every address they own, keyed by {@link addressKey}; the first owner of a duplicate address wins
 * (SMD-9), in the SMD snapshot's order: every node's component IP first, then every node's interface IPs, nodes in
 * the given order each time. For inventories built from a node list (worker replicas, test fakes), which must give
 * an address to the same node as the SMD snapshot they copy; that one builds its own index while parsing.
 */
export function indexNodesByAddress(nodes: Iterable<InventoryNode>): Map<string, InventoryNode> {
  const byAddress = new Map<string, InventoryNode>()
  const add = (ip: string | undefined, node: InventoryNode): void => {
    if (!ip) return
    const key = addressKey(ip)
    if (!byAddress.has(key)) byAddress.set(key, node)
  }
  const list = Array.isArray(nodes) ? (nodes as readonly InventoryNode[]) : [...nodes]
  for (const node of list) add(node.componentIp, node)
  for (const node of list) for (const iface of node.interfaces) for (const address of iface.ipAddresses) add(address.ip, node)
  return byAddress
}
