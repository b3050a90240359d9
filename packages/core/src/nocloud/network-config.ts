import type { NetworkPlan } from '../networks/plan.js'
import type { InventoryNode } from '../ports/inventory.js'
import { MINIMAL_NETWORK_CONFIG } from './documents.js'
import { buildInterfaces } from './interfaces.js'
import { guessedNote, leftOutNote, type NetworkConfigDocument, type NetworkConfigNote } from './network-config-notes.js'
import { plannedNetworkConfig } from './_network-config-planned.js'
import { toYamlText } from './yaml-text.js'

/**
 * NC-15: network config version 1. A node without NICs or interfaces gets exactly `version: 1\nconfig: []\n`.
 * Otherwise one `physical` item per NC-9 entry (`name`, `mac_address`, `description`), with
 * `subnets: [{type: static, address: <ip>/24}]` when the entry has an IP. SMD holds no prefix lengths, so the
 * prefix is always /24; there is no gateway or DNS. This is the document of a node without network definitions.
 */
export function buildNetworkConfig(node: InventoryNode): string {
  return buildNetworkConfigDocument(node, undefined).body
}

/**
 * NC-15 with the operator's network definitions (issue 14), and what was guessed or left out.
 *
 * Without a plan (no definitions for the node) the body is exactly {@link buildNetworkConfig}'s; each address it
 * writes counts as guessed, and further addresses of an interface, which NC-15 never wrote, as left out.
 *
 * With a plan, every address SMD lists on each NC-9 interface is written: IPv4 as `static`, IPv6 as `static6`,
 * with the prefix of its network's subnet. An address outside that subnet is left out (never written with a wrong
 * prefix), as is text that is no IP address. An address whose network (or its family) has no subnet is written with
 * today's guess, /24 (IPv6: /64), and counted as guessed. The gateways of the `default_route` network go on the
 * node's first address of each family in that network; a network's DNS on its first address, its routes on its
 * first address of the routes' family; MTU on the physical entry (the smallest, when networks on one interface
 * disagree). Definitions the plan could not use, and anything not written, become notes.
 */
export function buildNetworkConfigDocument(node: InventoryNode, plan: NetworkPlan | undefined): NetworkConfigDocument {
  if (node.nics.length === 0 || node.interfaces.length === 0) {
    return { body: MINIMAL_NETWORK_CONFIG, fromDefinitions: plan !== undefined, addresses: { defined: 0, guessed: 0, leftOut: 0 }, notes: [] }
  }
  return plan === undefined ? legacyNetworkConfig(node) : plannedNetworkConfig(node, plan)
}

// --- internal ---

/** NC-15 as the first wave wrote it, byte for byte, with notes on what it guesses. */
function legacyNetworkConfig(node: InventoryNode): NetworkConfigDocument {
  const notes: NetworkConfigNote[] = []
  let guessed = 0
  let leftOut = 0
  const config = buildInterfaces(node).map((entry) => {
    if (entry.ip) {
      guessed += 1
      notes.push(guessedNote(entry.name, { ip: entry.ip, network: entry.network ?? '' }, 24, 'no network definitions'))
    }
    for (const extra of entry.ip_addresses?.slice(1) ?? []) {
      leftOut += 1
      notes.push(leftOutNote(entry.name, extra, 'only the first address of an interface is written without network definitions'))
    }
    return {
      type: 'physical',
      name: entry.name,
      mac_address: entry.mac,
      description: entry.description,
      ...(entry.ip ? { subnets: [{ type: 'static', address: `${entry.ip}/24` }] } : {}),
    }
  })
  return { body: toYamlText({ version: 1, config }), fromDefinitions: false, addresses: { defined: 0, guessed, leftOut }, notes }
}
