import type { InventoryNode } from '../ports/inventory.js'

// Which node of which snapshot an InventoryNode object was made from (issue 19). A compact snapshot makes its node
// objects on demand and keeps only a few of them, so two lookups of one node may give two equal objects. Caches
// keyed on nodes (the rendered-document cache) compare this stamp instead of holding the object itself: an equal
// stamp means the same snapshot and the same position in it, so the same content, at the cost of one number.
// The stamp is a non-enumerable symbol property: JSON, structured clone (worker IPC) and deep equality in tests
// never see it, so a node still equals the plain object the port describes.

const STAMP = Symbol('metadata-service.inventory-node')

/** Positions per snapshot in a stamp: a snapshot holds fewer nodes than this. */
export const MAX_TABLE_NODES = 2 ** 24

let nextTable = 1

/** A new stamp base for one snapshot; its node at position `i` gets stamp `base + i` (i < {@link MAX_TABLE_NODES}). */
export function newStampBase(): number {
  // 2^53 / 2^24: 2^29 snapshots per process before the numbers run out, one per sync for centuries.
  return nextTable++ * MAX_TABLE_NODES
}

/** Marks `node` (before it is frozen) as the node with this stamp. */
export function stampNode(node: InventoryNode, stamp: number): void {
  Object.defineProperty(node, STAMP, { value: stamp })
}

/** The stamp of a node made by a snapshot, or `undefined` for any other node object. */
export function nodeStamp(node: InventoryNode): number | undefined {
  return (node as { [STAMP]?: number })[STAMP]
}
