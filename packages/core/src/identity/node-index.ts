import { parseIp } from '../ip/ip.js'
import type { InventoryNode } from '../ports/inventory.js'

/**
 * The canonical form of an address for lookups (`FD00:0::1` and `fd00::1` alike); text that is not an IP
 * is returned unchanged, so it simply matches nothing.
 */
export function addressKey(address: string): string {
  return parseIp(address)?.address ?? address
}

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
