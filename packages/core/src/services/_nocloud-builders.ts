import type { GroupSpec } from '../domain/group.js'
import type { Networks } from '../domain/network-definitions.js'
import { MetadataError, isMetadataError } from '../errors.js'
import { resolveBaseUrl } from '../nocloud/base-url.js'
import { CLOUD_CONFIG_HEADER, NOCLOUD_CONTENT_TYPES } from '../nocloud/documents.js'
import { groupDocumentKey, META_DATA_KEY, NETWORK_CONFIG_KEY, vendorDataKey } from '../nocloud/document-keys.js'
import { buildMetaData, renderMetaData } from '../nocloud/meta-data.js'
import type { MetaDataDocument } from '../nocloud/meta-data-document.js'
import { buildNetworkConfigDocument } from '../nocloud/network-config.js'
import type { NetworkConfigDocument } from '../nocloud/network-config-notes.js'
import type { ResourceIndex } from '../nocloud/resource-index.js'
import { buildVendorData } from '../nocloud/vendor-data.js'
import { createNodePlans } from '../networks/node-plans.js'
import type { InventoryNode } from '../ports/inventory.js'
import { buildTemplateContext, cachedTemplateKind, type TemplateContext } from '../templates/index.js'
import type { RequestContext } from './nocloud-api.js'
import type { WarmDocument } from './nocloud-prerender.js'

/** What the builders need besides the node and the NC-7 index. */
export interface BuilderOptions {
  /** `public_url` (CFG), already `undefined` when unset. */
  readonly publicUrl: string | undefined
  /** Renders a Mustache or Pongo2 group template (NC-16 step 8), within the render bounds. */
  readonly renderGroup: (template: string, context: TemplateContext) => string
  /** Told of every network-config built for a node (requests and pre-render, not previews): counts and notes. */
  readonly onNetworkConfig?: (node: InventoryNode, document: NetworkConfigDocument) => void
}

/** The NoCloud document bodies, without cache or counters; shared by the routes, the preview and the pre-render. */
export interface NoCloudBuilders {
  /** NC-5 / NC-12 body. */
  metaData(node: InventoryNode, index: ResourceIndex): string
  /**
   * NC-14 base for NC-13, followed by the request's seed path when it has one (SEED); throws when memberships are
   * unreadable (an NC-17 degraded answer).
   */
  vendorDataBase(node: InventoryNode, index: ResourceIndex, request: RequestContext): string | undefined
  /** NC-13 body with a base already chosen. */
  vendorData(node: InventoryNode, index: ResourceIndex, base: string | undefined): string
  /** NC-15 body, with the node's network definitions (issue 14); reported to `onNetworkConfig`. */
  networkConfig(node: InventoryNode, index: ResourceIndex): string
  /**
   * NC-15 with what it guessed and left out, reported to no one (render preview). `clusterNetworks`, when given,
   * stands for the ClusterDefaults `networks` (a proposed change; `undefined` inside means none).
   */
  networkConfigDocument(node: InventoryNode, index: ResourceIndex, clusterNetworks?: { readonly networks: Networks | undefined }): NetworkConfigDocument
  /** NC-16 steps 4–8 for a member node, with the group's spec (`undefined`: no stored Group). */
  group(node: InventoryNode, index: ResourceIndex, spec: GroupSpec | undefined): string
  /**
   * The documents of `node` a pre-render may cache (OPS-7), with the very keys and bytes the routes use:
   * meta-data, network-config, vendor-data, and one per membership that is a stored Group. Nothing for memberships
   * when they are unreadable (those answers are never cached). vendor-data is marked request-dependent, not built,
   * when no InstanceInfo, ClusterDefaults or `public_url` decides its base (NC-14 step 4 needs the request's host).
   */
  warmDocuments(node: InventoryNode, index: ResourceIndex): WarmDocument[]
}

/** Creates the {@link NoCloudBuilders}. */
export function createNoCloudBuilders(options: BuilderOptions): NoCloudBuilders {
  const { publicUrl, renderGroup, onNetworkConfig } = options
  const nodePlans = createNodePlans()

  const metaDataDocument = (node: InventoryNode, index: ResourceIndex): MetaDataDocument =>
    buildMetaData({
      node,
      clusterDefaults: index.clusterDefaults?.spec,
      instanceInfo: index.instanceInfo(node.xname)?.spec,
      groupSpec: (label) => index.group(label)?.spec,
      publicUrl,
    })

  const builders: NoCloudBuilders = {
    metaData: (node, index) => renderMetaData(metaDataDocument(node, index)),
    vendorDataBase(node, index, request) {
      if (node.groups === undefined) throw new Error('group memberships unavailable')
      const base = resolveBaseUrl({
        instanceInfo: index.instanceInfo(node.xname)?.spec,
        clusterDefaults: index.clusterDefaults?.spec,
        publicUrl,
        request,
      })
      // SEED: under a seed URL the `#include` lines stay under it; the base (and so the cache key) holds the path.
      return base === undefined || request.seedPath === undefined ? base : `${base}${request.seedPath}`
    },
    vendorData: (node, index, base) => buildVendorData(node.groups ?? [], (label) => index.group(label)?.spec, base),
    networkConfig(node, index) {
      const document = builders.networkConfigDocument(node, index)
      onNetworkConfig?.(node, document)
      return document.body
    },
    networkConfigDocument(node, index, clusterNetworks) {
      const cluster = clusterNetworks === undefined ? index.clusterDefaults?.spec.networks : clusterNetworks.networks
      return buildNetworkConfigDocument(node, nodePlans(cluster, index.instanceInfo(node.xname)?.spec.networks))
    },
    group(node, index, spec) {
      if (spec === undefined) return CLOUD_CONFIG_HEADER
      let metaData: MetaDataDocument
      try {
        metaData = metaDataDocument(node, index)
      } catch (cause) {
        throw new MetadataError('COMPONENT_UNAVAILABLE', 'component information not available', { cause })
      }
      switch (cachedTemplateKind(spec.template)) {
        case 'empty':
          return CLOUD_CONFIG_HEADER
        case 'jinja':
          return spec.template
        case 'mustache':
        case 'pongo2':
          try {
            return renderGroup(spec.template, buildTemplateContext(metaData, spec.metaData))
          } catch (cause) {
            if (isMetadataError(cause, 'RENDER_FAILED')) throw cause
            throw new MetadataError('RENDER_FAILED', 'template rendering failed', { cause })
          }
      }
    },
    warmDocuments(node, index) {
      const docs: WarmDocument[] = [
        {
          kind: 'metaData',
          key: META_DATA_KEY,
          build: () => ({ body: builders.metaData(node, index), contentType: NOCLOUD_CONTENT_TYPES.metaData }),
        },
        {
          kind: 'networkConfig',
          key: NETWORK_CONFIG_KEY,
          build: () => ({ body: builders.networkConfig(node, index), contentType: NOCLOUD_CONTENT_TYPES.networkConfig }),
        },
      ]
      const { groups } = node
      if (groups === undefined) return docs
      // Without a request, NC-14 stops at step 3: a base found here is the one every request gets.
      const base = builders.vendorDataBase(node, index, {})
      docs.push(
        base === undefined
          ? { kind: 'vendorData', requestDependent: true }
          : {
              kind: 'vendorData',
              key: vendorDataKey(base),
              build: () => ({ body: builders.vendorData(node, index, base), contentType: NOCLOUD_CONTENT_TYPES.vendorData }),
            },
      )
      for (const group of groups) {
        const spec = index.group(group)?.spec
        if (spec === undefined) continue
        docs.push({
          kind: 'group',
          key: groupDocumentKey(group),
          group,
          build: () => ({ body: builders.group(node, index, spec), contentType: NOCLOUD_CONTENT_TYPES.group }),
        })
      }
      return docs
    },
  }
  return builders
}
