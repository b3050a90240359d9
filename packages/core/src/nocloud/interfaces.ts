import type { InventoryInterface, InventoryNode } from '../ports/inventory.js'
import type { MetaDataInterface } from './meta-data-document.js'

/**
 * NC-9: one entry per NIC, in SMD order, named `eth<i>`, with keys in sorted order. An interface with the same
 * MAC (case-insensitive) and an IP adds `ip` and `network` (omitted when empty) from its first IP, plus
 * `ip_addresses` when it has more than one. Returns `[]` for a node without NICs.
 */
export function buildInterfaces(node: InventoryNode): MetaDataInterface[] {
  return node.nics.map((nic, i) => {
    const iface = matchingInterface(node.interfaces, nic.mac)
    const ips = iface?.ipAddresses.filter((a) => a.ip !== '') ?? []
    const first = ips[0]
    // Literal key order is the sorted order (NC-9), so serialisers and templates see it sorted.
    const entry: MetaDataInterface = {
      description: nic.description,
      enabled: nic.enabled,
      ...(first ? { ip: first.ip } : {}),
      ...(ips.length > 1 ? { ip_addresses: ips.map((a) => ({ ip: a.ip, network: a.network })) } : {}),
      mac: nic.mac,
      name: `eth${i}`,
      ...(first?.network ? { network: first.network } : {}),
      redfishid: nic.redfishId,
    }
    return entry
  })
}

/** The first interface with `mac` (case-insensitive) that has an IP; an empty MAC matches nothing. */
export function matchingInterface(interfaces: readonly InventoryInterface[], mac: string): InventoryInterface | undefined {
  if (mac === '') return undefined
  const wanted = mac.toLowerCase()
  return interfaces.find((i) => i.mac.toLowerCase() === wanted && i.ipAddresses.some((a) => a.ip !== ''))
}
