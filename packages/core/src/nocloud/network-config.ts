import type { InventoryNode } from '../ports/inventory.js'
import { MINIMAL_NETWORK_CONFIG } from './documents.js'
import { buildInterfaces } from './interfaces.js'
import { toYamlText } from './yaml-text.js'

/**
 * NC-15: network config version 1. A node without NICs or interfaces gets exactly `version: 1\nconfig: []\n`.
 * Otherwise one `physical` item per NC-9 entry (`name`, `mac_address`, `description`), with
 * `subnets: [{type: static, address: <ip>/24}]` when the entry has an IP. SMD holds no prefix lengths, so the
 * prefix is always /24; there is no gateway or DNS.
 */
export function buildNetworkConfig(node: InventoryNode): string {
  if (node.nics.length === 0 || node.interfaces.length === 0) return MINIMAL_NETWORK_CONFIG
  const config = buildInterfaces(node).map((entry) => ({
    type: 'physical',
    name: entry.name,
    mac_address: entry.mac,
    description: entry.description,
    ...(entry.ip ? { subnets: [{ type: 'static', address: `${entry.ip}/24` }] } : {}),
  }))
  return toYamlText({ version: 1, config })
}
