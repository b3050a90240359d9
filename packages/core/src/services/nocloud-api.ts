import type { InventoryNode } from '../ports/inventory.js'

/** Per-request facts that documents may depend on (NC-14 base URL fallback). */
export interface RequestContext {
  /** `Host` header, or `X-Forwarded-Host` when the peer is a trusted proxy. */
  readonly host?: string
  /** `X-Forwarded-Proto` from a trusted proxy, else `http`. */
  readonly proto?: string
}

/** A rendered document: exact bytes and their media type. */
export interface RenderedDocument {
  readonly body: string
  /** e.g. `application/x-yaml`, `text/cloud-config`, `text/plain` (NC-1..NC-4a). */
  readonly contentType: string
}

/**
 * The NoCloud use cases (NC-1..NC-17). Rendered documents are cached per node and invalidated by inventory and
 * store generations, so a boot storm renders each document once.
 */
export interface NoCloudService {
  /**
   * ID-4: the node for a client address (tunnel map first, then the inventory). Rejects with NODE_NOT_FOUND
   * (`node not found`) or INVENTORY_UNAVAILABLE (`node lookup unavailable`).
   */
  resolveNode(address: string): Promise<InventoryNode>
  /** NC-2: exactly `#cloud-config\n`; needs no node. */
  userData(): RenderedDocument
  /** NC-5 / NC-12. */
  metaData(node: InventoryNode, request: RequestContext): Promise<RenderedDocument>
  /** NC-13; always succeeds for a known node (NC-17). */
  vendorData(node: InventoryNode, request: RequestContext): Promise<RenderedDocument>
  /** NC-15; always succeeds for a known node (NC-17). */
  networkConfig(node: InventoryNode): Promise<RenderedDocument>
  /**
   * NC-16. Rejects with NOT_A_MEMBER (`node <x> is not a member of group <g>`), MEMBERSHIP_UNAVAILABLE,
   * COMPONENT_UNAVAILABLE or RENDER_FAILED with the exact texts.
   */
  groupDocument(node: InventoryNode, group: string, request: RequestContext): Promise<RenderedDocument>
}
