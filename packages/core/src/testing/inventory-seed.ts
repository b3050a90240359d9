import type { InventoryNode } from '../ports/inventory.js'

/** One IP of an {@link InventorySeedInterface}. */
export interface InventorySeedAddress {
  readonly ip: string
  /** SMD `Network`, e.g. `HMN`; absent reads as "" (SMD-5). */
  readonly network?: string
}

/** An Ethernet interface of a seeded node, and the NIC that mirrors it. */
export interface InventorySeedInterface {
  readonly mac: string
  readonly description: string
  readonly ips: readonly InventorySeedAddress[]
}

/**
 * A node to seed into an `Inventory` implementation for the contract suite (`describeInventory`), in the
 * words of the SMD-15 table, so that every backend can hold it: core's fake takes {@link inventoryNodeOf}, the SMD
 * inventory the fake SMD's records, the mock its payloads, a worker replica its primary's nodes.
 */
export interface InventorySeedNode {
  readonly xname: string
  readonly nid: number
  /** As SMD gives it (`Compute`); never normalised. */
  readonly role: string
  /** Group labels in SMD order. */
  readonly groups: readonly string[]
  /** In SMD order. */
  readonly interfaces: readonly InventorySeedInterface[]
  /** Component-level address fields, as fixtures carry them (SMD-5 `IP`, `MAC`); default none. */
  readonly componentIp?: string
  readonly componentMac?: string
}

/**
 * The {@link InventoryNode} an inventory must hand out for `seed`, by the SMD-15 conventions: an interface's `id` is
 * its MAC without colons and its `type` `Node`; each interface has a NIC with `redfishId` "1", "2", … in order, its
 * description and MAC, `permanentMac` = MAC, enabled.
 */
export function inventoryNodeOf(seed: InventorySeedNode): InventoryNode {
  return {
    xname: seed.xname,
    nid: seed.nid,
    role: seed.role,
    groups: [...seed.groups],
    interfaces: seed.interfaces.map((i) => ({
      id: i.mac.replaceAll(':', ''),
      description: i.description,
      mac: i.mac,
      type: 'Node',
      ipAddresses: i.ips.map((a) => ({ ip: a.ip, network: a.network ?? '' })),
    })),
    nics: seed.interfaces.map((i, k) => ({
      redfishId: String(k + 1),
      description: i.description,
      mac: i.mac,
      permanentMac: i.mac,
      enabled: true,
    })),
    ...(seed.componentIp === undefined ? {} : { componentIp: seed.componentIp }),
    ...(seed.componentMac === undefined ? {} : { componentMac: seed.componentMac }),
  }
}
