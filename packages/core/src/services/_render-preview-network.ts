import type { Networks } from '../domain/network-definitions.js'
import { MINIMAL_NETWORK_CONFIG, NOCLOUD_CONTENT_TYPES } from '../nocloud/documents.js'
import { describeNetworkConfigNote, type NetworkConfigDocument } from '../nocloud/network-config-notes.js'
import type { ResourceIndex } from '../nocloud/resource-index.js'
import { unifiedDiff } from '../nocloud/unified-diff.js'
import type { InventoryNode } from '../ports/inventory.js'
import type { PreviewDocument, RenderPreview } from './nocloud-api.js'

/** The NoCloud service's network-config builder without counters; throws when NC-17 would degrade the answer. */
export type PreviewNetworkConfig = (
  node: InventoryNode,
  index: ResourceIndex,
  clusterNetworks?: { readonly networks: Networks | undefined },
) => NetworkConfigDocument

/** `/network-config` as the node gets it, with the notes of what it guesses and leaves out (issue 14). */
export function networkConfigPreview(build: () => NetworkConfigDocument): PreviewDocument {
  const path = '/network-config'
  const contentType = NOCLOUD_CONTENT_TYPES.networkConfig
  let document: NetworkConfigDocument
  try {
    document = build()
  } catch {
    return { path, document: { body: MINIMAL_NETWORK_CONFIG, contentType } } // NC-17: the degraded answer
  }
  const notes = document.notes.map(describeNetworkConfigNote)
  return { path, document: { body: document.body, contentType }, ...(notes.length > 0 ? { notes } : {}) }
}

/** The preview of proposed ClusterDefaults `networks` (already validated) for one node: today's, proposed, diff. */
export function networksProposalPreview(
  node: InventoryNode,
  index: ResourceIndex,
  networks: Networks,
  build: PreviewNetworkConfig,
): RenderPreview {
  const current = networkConfigPreview(() => build(node, index))
  const proposed = networkConfigPreview(() => build(node, index, { networks }))
  const diff = unifiedDiff(current.document!.body, proposed.document!.body, {
    from: 'network-config (stored networks)',
    to: 'network-config (proposed networks)',
  })
  return { node: node.xname, documents: [current], proposed: { ...proposed, diff } }
}
