import { addressKey } from '../ip/address-key.js'
import type { InventoryNode } from '../ports/inventory.js'

/**
 * Indexes nodes by every address they own (component IP first, then each interface's IPs, nodes in the given
 * order), keyed by {@link addressKey}; the first owner of a duplicate address wins (SMD-9). For inventories built
 * from a node list (worker replicas, test fakes); the SMD snapshot builds its own index while parsing.
 */
export function indexNodesByAddress(nodes: Iterable<InventoryNode>): Map<string, InventoryNode> {
  const byAddress = new Map<string, InventoryNode>()
  const add = (ip: string | undefined, node: InventoryNode): void => {
    if (!ip) return
    const key = addressKey(ip)
    if (!byAddress.has(key)) byAddress.set(key, node)
  }
  for (const node of nodes) {
    add(node.componentIp, node)
    for (const iface of node.interfaces) for (const address of iface.ipAddresses) add(address.ip, node)
  }
  return byAddress
}
