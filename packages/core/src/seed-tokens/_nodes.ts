import { MetadataError } from '../errors.js'
import type { Inventory, InventoryNode } from '../ports/inventory.js'

/** Every xname of the inventory's current snapshot, in inventory order. */
export function* xnamesOf(inventory: Inventory): Iterable<string> {
  for (const node of inventory.nodes()) yield node.xname
}

/** The node by xname; an inventory failure is an outage (ID-4), never "unknown". */
export async function nodeNamed(inventory: Inventory, xname: string): Promise<InventoryNode | undefined> {
  try {
    return await inventory.node(xname)
  } catch (cause) {
    throw new MetadataError('INVENTORY_UNAVAILABLE', 'node lookup unavailable', { cause })
  }
}

/** The node by xname; rejects with NODE_NOT_FOUND `node <xname> not found` when the inventory has none. */
export async function knownNode(inventory: Inventory, xname: string): Promise<InventoryNode> {
  const node = await nodeNamed(inventory, xname)
  if (node === undefined) throw new MetadataError('NODE_NOT_FOUND', `node ${xname} not found`)
  return node
}

/**
 * The snapshot's members of `group`, in inventory order; throws NOT_FOUND `no node is a member of group <g>` when
 * there is none (a misspelt group should not read as "nothing to do").
 */
export function groupMembers(inventory: Inventory, group: string): InventoryNode[] {
  const members: InventoryNode[] = []
  for (const node of inventory.nodes()) if (node.groups?.includes(group)) members.push(node)
  if (members.length === 0) throw new MetadataError('NOT_FOUND', `no node is a member of group ${group}`)
  return members
}
