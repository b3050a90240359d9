import type { InventoryNode } from '../ports/inventory.js'

/** The node's boot address (NC-8); each part is absent when unknown. */
export interface BootAddress {
  readonly ip?: string
  readonly mac?: string
}

/**
 * NC-8: the first IP whose `Network` is `HMN` (case-insensitive) with its interface's MAC; else the first non-empty
 * IP with its interface's MAC; else the component's own IP and MAC (mock and fixtures only).
 */
export function bootAddress(node: InventoryNode): BootAddress {
  let fallback: BootAddress | undefined
  for (const iface of node.interfaces) {
    for (const address of iface.ipAddresses) {
      if (address.ip === '') continue
      if (address.network.toUpperCase() === 'HMN') return present(address.ip, iface.mac)
      fallback ??= present(address.ip, iface.mac)
    }
  }
  return fallback ?? present(node.componentIp, node.componentMac)
}

function present(ip: string | undefined, mac: string | undefined): BootAddress {
  return { ...(ip ? { ip } : {}), ...(mac ? { mac } : {}) }
}
