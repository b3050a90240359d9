import type { GroupSpec } from '../domain/group.js'
import { MetadataError, isMetadataError } from '../errors.js'
import { CLOUD_CONFIG_HEADER, MINIMAL_VENDOR_DATA, NOCLOUD_CONTENT_TYPES } from '../nocloud/documents.js'
import type { ResourceIndex } from '../nocloud/resource-index.js'
import { unifiedDiff } from '../nocloud/unified-diff.js'
import { validateNetworks } from '../networks/validate-networks.js'
import type { Inventory, InventoryNode } from '../ports/inventory.js'
import { validateGroupTemplate } from '../templates/validate.js'
import type { PreviewDocument, RenderPreview, RenderPreviewRequest, RequestContext } from './nocloud-api.js'
import { networkConfigPreview, networksProposalPreview, type PreviewNetworkConfig } from './_render-preview-network.js'

/** The NoCloud service's own builders (no cache, no counters), each throwing what the route would answer. */
export interface PreviewBuilders {
  readonly inventory: Inventory
  readonly loadIndex: () => Promise<ResourceIndex>
  readonly metaData: (node: InventoryNode, index: ResourceIndex) => string
  /** Throws when NC-17 would degrade the answer. */
  readonly vendorData: (node: InventoryNode, index: ResourceIndex, request: RequestContext) => string
  /** Throws when NC-17 would degrade the answer. */
  readonly networkConfig: PreviewNetworkConfig
  /** NC-16 steps 2–8 with the group's spec (`undefined`: no stored Group). */
  readonly group: (node: InventoryNode, index: ResourceIndex, group: string, spec: GroupSpec | undefined) => string
  /** `max_document_bytes`, for the template check (SPEC §16). */
  readonly maxDocumentBytes?: number
}

/**
 * The render preview of {@link NoCloudPreview}: the template is validated first (TPL-4 texts, with the stored
 * group's metaData as TPL-5 asks) or the proposed `networks` (issue 14), then the node is looked up by xname, then
 * each document is built as the route would build it. NC-17 answers show their minimal body, NC-16 failures their
 * error, `/network-config` its notes.
 */
export async function renderPreview(request: RenderPreviewRequest, builders: PreviewBuilders): Promise<RenderPreview> {
  const index = await builders.loadIndex()
  const { group, template } = request
  if (template !== undefined && group === undefined) {
    throw new MetadataError('VALIDATION_FAILED', 'validation failed: template requires group')
  }
  if (request.networks !== undefined && (group !== undefined || template !== undefined)) {
    throw new MetadataError('VALIDATION_FAILED', 'validation failed: networks cannot be combined with group or template')
  }
  const networks = request.networks === undefined ? undefined : validateNetworks(request.networks)
  const storedSpec = group === undefined ? undefined : index.group(group)?.spec
  const proposedSpec: GroupSpec | undefined = template === undefined ? undefined : { ...(storedSpec ?? {}), template }
  if (proposedSpec !== undefined) validateGroupTemplate(proposedSpec, group ?? '', { maxDocumentBytes: builders.maxDocumentBytes })

  const node = await nodeByXname(builders.inventory, request.node)
  if (networks !== undefined) return networksProposalPreview(node, index, networks, builders.networkConfig)
  const groupDocument = (name: string, spec: GroupSpec | undefined): PreviewDocument =>
    attempt(`/${name}.yaml`, NOCLOUD_CONTENT_TYPES.group, () => builders.group(node, index, name, spec))

  if (group !== undefined) {
    const current = groupDocument(group, storedSpec)
    if (proposedSpec === undefined) return { node: node.xname, documents: [current] }
    const proposed = groupDocument(group, proposedSpec)
    const diff =
      current.document !== undefined && proposed.document !== undefined
        ? unifiedDiff(current.document.body, proposed.document.body, {
            from: `${group}.yaml (stored template)`,
            to: `${group}.yaml (proposed template)`,
          })
        : undefined
    return { node: node.xname, documents: [current], proposed: { ...proposed, ...(diff === undefined ? {} : { diff }) } }
  }

  return {
    node: node.xname,
    documents: [
      attempt('/meta-data', NOCLOUD_CONTENT_TYPES.metaData, () => builders.metaData(node, index)),
      { path: '/user-data', document: { body: CLOUD_CONFIG_HEADER, contentType: NOCLOUD_CONTENT_TYPES.userData } },
      attempt('/vendor-data', NOCLOUD_CONTENT_TYPES.vendorData, () => builders.vendorData(node, index, request.request), MINIMAL_VENDOR_DATA),
      networkConfigPreview(() => builders.networkConfig(node, index)),
      ...(node.groups ?? []).map((label) => groupDocument(label, index.group(label)?.spec)),
    ],
  }
}

// --- internal ---

/** The node named `xname`; unlike ID-4 the message names it, since an admin typed it. */
async function nodeByXname(inventory: Inventory, xname: string): Promise<InventoryNode> {
  let node: InventoryNode | undefined
  try {
    node = await inventory.node(xname)
  } catch (cause) {
    throw new MetadataError('INVENTORY_UNAVAILABLE', 'node lookup unavailable', { cause })
  }
  if (node === undefined) throw new MetadataError('NODE_NOT_FOUND', `node ${xname} not found`)
  return node
}

/** Builds one document; a failure becomes its error entry, or the NC-17 minimal body when `degradedBody` is given. */
function attempt(path: string, contentType: string, build: () => string, degradedBody?: string): PreviewDocument {
  try {
    return { path, document: { body: build(), contentType } }
  } catch (err) {
    if (degradedBody !== undefined) return { path, document: { body: degradedBody, contentType } }
    if (!isMetadataError(err)) throw err
    return { path, error: { code: err.code, message: err.message } }
  }
}
