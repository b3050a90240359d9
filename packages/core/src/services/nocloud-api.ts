import type { InventoryNode } from '../ports/inventory.js'
import type { MetadataErrorCode } from '../errors.js'

/** Per-request facts that documents may depend on (NC-14 base URL fallback). */
export interface RequestContext {
  /** `Host` header, or `X-Forwarded-Host` when the peer is a trusted proxy. */
  readonly host?: string
  /** `X-Forwarded-Proto` from a trusted proxy, else `http`. */
  readonly proto?: string
  /** OPS-5: the request's id, put on the lines logged while answering it (an NC-17 degraded answer). */
  readonly reqId?: string
  /**
   * SEED: `/n/<token>` when the request came under a node's seed URL. vendor-data's `#include` lines then point under
   * the same seed path (`<base>/n/<token>/<group>.yaml`); every other document is the same as without it.
   */
  readonly seedPath?: string
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
  /** NC-15; always succeeds for a known node (NC-17). `request` only names the request in the log. */
  networkConfig(node: InventoryNode, request?: RequestContext): Promise<RenderedDocument>
  /**
   * NC-16. Rejects with NOT_A_MEMBER (`node <x> is not a member of group <g>`), MEMBERSHIP_UNAVAILABLE,
   * COMPONENT_UNAVAILABLE or RENDER_FAILED with the exact texts.
   */
  groupDocument(node: InventoryNode, group: string, request: RequestContext): Promise<RenderedDocument>
}

/** What to preview (SEC-6 admin: `POST /render`, `metadata-service render`). */
export interface RenderPreviewRequest {
  /** The node's xname. */
  readonly node: string
  /** Only this group's document; absent: every document the node can fetch. */
  readonly group?: string
  /** A Mustache (or Jinja, or empty) template to try for `group` instead of the stored one; needs `group`. */
  readonly template?: string
  /**
   * A ClusterDefaults `networks` value to try instead of the stored one (issue 14): the answer is the node's
   * `/network-config` today and with it, with a diff. Checked as a ClusterDefaults write checks it; not with
   * `group` or `template`.
   */
  readonly networks?: unknown
  /** NC-14: the base URL fallback, as for a node's own request. */
  readonly request: RequestContext
}

/** One document of a preview: what the node gets for `path`, or the error it would be answered with. */
export interface PreviewDocument {
  /** The NoCloud path, e.g. `/meta-data` or `/compute.yaml`. */
  readonly path: string
  /** Present when the node would get 200. */
  readonly document?: RenderedDocument
  /** Present when the node would get an error (NC-16): its code and exact message. */
  readonly error?: { readonly code: MetadataErrorCode; readonly message: string }
  /**
   * `/network-config` only: what the document guesses, leaves out or does not use (issue 14), one line each, e.g.
   * `eth1 10.100.0.26 (HSN): prefix /24 guessed: no definition for network HSN`. Absent when there is nothing to say.
   */
  readonly notes?: readonly string[]
}

/** The result of a render preview. */
export interface RenderPreview {
  /** The node's xname. */
  readonly node: string
  /** Without `group`: `/meta-data`, `/user-data`, `/vendor-data`, `/network-config`, then one per membership in SMD order. With `group`: that group's document only. */
  readonly documents: readonly PreviewDocument[]
  /**
   * With `template` (or `networks`): the group document (or `/network-config`) rendered with it, and a unified diff
   * from today's (`""` when equal; absent when either side is an error).
   */
  readonly proposed?: PreviewDocument & { readonly diff?: string }
}

/** Render preview: what a node would receive, without writing anything or touching the metrics of real answers. */
export interface NoCloudPreview {
  /**
   * Rejects with VALIDATION_FAILED (the TPL-4 texts, checked first, against the stored group's metaData; or
   * `validation failed: template requires group`; or the network definition rules for `networks`), NODE_NOT_FOUND (`node <xname> not found`) or
   * INVENTORY_UNAVAILABLE. Document-level failures are reported per document, not thrown.
   */
  preview(request: RenderPreviewRequest): Promise<RenderPreview>
}
