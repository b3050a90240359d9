import { MetadataError, isMetadataError } from '../errors.js'
import { resolveBaseUrl } from '../nocloud/base-url.js'
import { createDocumentCache } from '../nocloud/document-cache.js'
import { CLOUD_CONFIG_HEADER, MINIMAL_NETWORK_CONFIG, MINIMAL_VENDOR_DATA, NOCLOUD_CONTENT_TYPES } from '../nocloud/documents.js'
import { buildMetaData, renderMetaData } from '../nocloud/meta-data.js'
import type { MetaDataDocument } from '../nocloud/meta-data-document.js'
import { buildNetworkConfig } from '../nocloud/network-config.js'
import { buildResourceIndex, type ResourceIndex } from '../nocloud/resource-index.js'
import { buildVendorData } from '../nocloud/vendor-data.js'
import type { Inventory, InventoryNode } from '../ports/inventory.js'
import type { Logger } from '../ports/logger.js'
import type { GroupSpec } from '../domain/group.js'
import type { ResourceStore } from '../ports/resource-store.js'
import { buildTemplateContext, renderGroupTemplate, templateKind, type TemplateContext } from '../templates/index.js'
import type { NoCloudPreview, NoCloudService, RenderedDocument, RequestContext } from './nocloud-api.js'
import { renderPreview } from './_render-preview.js'

/** The routes NC-17 answers with a minimal body instead of an error. */
export type DegradedRoute = 'vendor-data' | 'network-config'

/** Dependencies of {@link createNoCloudService}. */
export interface NoCloudServiceDeps {
  readonly inventory: Inventory
  readonly store: ResourceStore
  /** `public_url` (CFG), the NC-14 step 3 base URL; "" or absent means unset. */
  readonly publicUrl?: string
  readonly logger: Logger
  /** Renders a Mustache group template (NC-16 step 8). Default: `renderGroupTemplate`. */
  readonly renderGroup?: (template: string, context: TemplateContext) => string
  /** WG-9: the xname owning a tunnel address, consulted before the inventory (ID-4). */
  readonly tunnelResolver?: (address: string) => string | undefined
  /** Called once per NC-17 degraded answer, e.g. to count `degraded_responses_total{route}`. */
  readonly onDegraded?: (route: DegradedRoute) => void
  /** Cap on cached rendered documents. Default 200,000 (`DEFAULT_MAX_CACHED_DOCUMENTS`). */
  readonly maxCachedDocuments?: number
}

/** A count per cached NoCloud document. */
export interface DocumentCounts {
  readonly metaData: number
  readonly vendorData: number
  readonly networkConfig: number
  readonly group: number
}

/** Counters of a NoCloud service since it was created. */
export interface NoCloudStats {
  /** Documents built (cache misses), per document. */
  readonly builds: DocumentCounts
  /** Documents answered from the cache, per document. */
  readonly hits: DocumentCounts
  /** NC-17 degraded answers, per route. */
  readonly degraded: Readonly<Record<DegradedRoute, number>>
  /** Rendered documents currently cached. */
  readonly cachedDocuments: number
}

/** A {@link NoCloudService} that also reports its counters and previews renders. */
export interface InstrumentedNoCloudService extends NoCloudService, NoCloudPreview {
  stats(): NoCloudStats
}

/**
 * The NoCloud use cases (NC-1..NC-17) over the inventory and the resource store.
 *
 * Hot path (ARCHITECTURE): the NC-7 winners are indexed once per store generation, and rendered bytes are cached
 * per (document, node, group, base URL) until the inventory or store generation changes, so a boot storm renders
 * each document once. Failed and degraded answers are never cached.
 */
export function createNoCloudService(deps: NoCloudServiceDeps): InstrumentedNoCloudService {
  const { inventory, store, logger } = deps
  const publicUrl = deps.publicUrl || undefined
  const renderGroup = deps.renderGroup ?? renderGroupTemplate
  const cache = createDocumentCache(() => [inventory.generation(), store.generation()], deps.maxCachedDocuments)
  const builds = { metaData: 0, vendorData: 0, networkConfig: 0, group: 0 }
  const hits = { metaData: 0, vendorData: 0, networkConfig: 0, group: 0 }
  const degraded: Record<DegradedRoute, number> = { 'vendor-data': 0, 'network-config': 0 }
  const currentIndex = indexLoader(store)

  const metaDataDocument = (node: InventoryNode, index: ResourceIndex): MetaDataDocument =>
    buildMetaData({
      node,
      clusterDefaults: index.clusterDefaults?.spec,
      instanceInfo: index.instanceInfo(node.xname)?.spec,
      groupSpec: (label) => index.group(label)?.spec,
      publicUrl,
    })
  /** NC-14 base for NC-13; NC-17: unreadable memberships count as none, and as a degraded answer (throws). */
  const vendorDataBase = (node: InventoryNode, index: ResourceIndex, request: RequestContext): string | undefined => {
    if (node.groups === undefined) throw new Error('group memberships unavailable')
    return resolveBaseUrl({
      instanceInfo: index.instanceInfo(node.xname)?.spec,
      clusterDefaults: index.clusterDefaults?.spec,
      publicUrl,
      request,
    })
  }
  const vendorDataBody = (node: InventoryNode, index: ResourceIndex, base: string | undefined): string =>
    buildVendorData(node.groups ?? [], (label) => index.group(label)?.spec, base)
  const degrade = (
    route: DegradedRoute,
    node: InventoryNode,
    cause: unknown,
    body: string,
    request: RequestContext | undefined,
  ): RenderedDocument => {
    degraded[route] += 1
    const reqId = request?.reqId
    logger.warn('degraded response', { ...(reqId === undefined ? {} : { reqId }), route, node: node.xname, error: describe(cause) })
    deps.onDegraded?.(route)
    return { body, contentType: route === 'vendor-data' ? NOCLOUD_CONTENT_TYPES.vendorData : NOCLOUD_CONTENT_TYPES.networkConfig }
  }

  const service: NoCloudService & Pick<InstrumentedNoCloudService, 'stats'> = {
    async resolveNode(address) {
      let node: InventoryNode | undefined
      try {
        const tunnelXname = deps.tunnelResolver?.(address)
        // WG-9: a tunnel address maps to its peer's node only if that node is known; else resolve as usual.
        if (tunnelXname !== undefined) node = await inventory.node(tunnelXname)
        node ??= await inventory.resolve(address)
      } catch (cause) {
        // ID-4: any failure to look up is an outage (503), never "not found".
        throw new MetadataError('INVENTORY_UNAVAILABLE', 'node lookup unavailable', { cause })
      }
      if (node === undefined) throw new MetadataError('NODE_NOT_FOUND', 'node not found')
      return node
    },

    userData: () => ({ body: CLOUD_CONFIG_HEADER, contentType: NOCLOUD_CONTENT_TYPES.userData }),

    async metaData(node) {
      const epoch = cache.epoch()
      const key = `meta-data\0${node.xname}`
      const hit = epoch.get(key, node)
      if (hit) {
        hits.metaData += 1
        return hit
      }
      const index = await currentIndex()
      builds.metaData += 1
      const doc = { body: renderMetaData(metaDataDocument(node, index)), contentType: NOCLOUD_CONTENT_TYPES.metaData }
      epoch.set(key, node, doc)
      return doc
    },

    async vendorData(node, request) {
      try {
        const epoch = cache.epoch()
        const index = await currentIndex()
        const base = vendorDataBase(node, index, request)
        const key = `vendor-data\0${node.xname}\0${base ?? ''}`
        const hit = epoch.get(key, node)
        if (hit) {
          hits.vendorData += 1
          return hit
        }
        builds.vendorData += 1
        const doc = { body: vendorDataBody(node, index, base), contentType: NOCLOUD_CONTENT_TYPES.vendorData }
        epoch.set(key, node, doc)
        return doc
      } catch (cause) {
        return degrade('vendor-data', node, cause, MINIMAL_VENDOR_DATA, request)
      }
    },

    async networkConfig(node, request) {
      try {
        const epoch = cache.epoch()
        const key = `network-config\0${node.xname}`
        const hit = epoch.get(key, node)
        if (hit) {
          hits.networkConfig += 1
          return hit
        }
        builds.networkConfig += 1
        const doc = { body: buildNetworkConfig(node), contentType: NOCLOUD_CONTENT_TYPES.networkConfig }
        epoch.set(key, node, doc)
        return doc
      } catch (cause) {
        return degrade('network-config', node, cause, MINIMAL_NETWORK_CONFIG, request)
      }
    },

    async groupDocument(node, group, _request: RequestContext) {
      // NC-16, first failing check answers. Step 1 (resolving the node) is the caller's.
      checkMembership(node, group)
      const epoch = cache.epoch()
      const key = `group\0${node.xname}\0${group}`
      const hit = epoch.get(key, node)
      if (hit) {
        hits.group += 1
        return hit
      }
      const index = await currentIndex()
      builds.group += 1
      const doc = { body: groupBody(node, index, index.group(group)?.spec), contentType: NOCLOUD_CONTENT_TYPES.group }
      epoch.set(key, node, doc)
      return doc
    },

    stats: () => ({ builds: { ...builds }, hits: { ...hits }, degraded: { ...degraded }, cachedDocuments: cache.size() }),
  }
  return {
    ...service,
    // Built beside the service from the same pieces, so a preview shows the very bytes a node gets.
    // The same builders as the routes, without the cache and the counters: a preview is not an answer to a node.
    preview: (request) =>
      renderPreview(request, {
        inventory,
        loadIndex: currentIndex,
        metaData: (node, index) => renderMetaData(metaDataDocument(node, index)),
        vendorData: (node, index, context) => vendorDataBody(node, index, vendorDataBase(node, index, context)),
        networkConfig: (node) => buildNetworkConfig(node),
        group: (node, index, group, spec) => {
          checkMembership(node, group)
          return groupBody(node, index, spec)
        },
      }),
  }

  /** NC-16 steps 4–8 for a member node, with the group's spec (`undefined`: no stored Group). */
  function groupBody(node: InventoryNode, index: ResourceIndex, spec: GroupSpec | undefined): string {
    if (spec === undefined) return CLOUD_CONFIG_HEADER
    let metaData: MetaDataDocument
    try {
      metaData = metaDataDocument(node, index)
    } catch (cause) {
      throw new MetadataError('COMPONENT_UNAVAILABLE', 'component information not available', { cause })
    }
    switch (templateKind(spec.template)) {
      case 'empty':
        return CLOUD_CONFIG_HEADER
      case 'jinja':
        return spec.template
      case 'mustache':
        try {
          return renderGroup(spec.template, buildTemplateContext(metaData, spec.metaData))
        } catch (cause) {
          if (isMetadataError(cause, 'RENDER_FAILED')) throw cause
          throw new MetadataError('RENDER_FAILED', 'template rendering failed', { cause })
        }
    }
  }
}

// --- internal ---

/** NC-16 steps 2 and 3. */
function checkMembership(node: InventoryNode, group: string): void {
  if (node.groups === undefined) throw new MetadataError('MEMBERSHIP_UNAVAILABLE', 'failed to verify group membership')
  if (!node.groups.includes(group)) {
    throw new MetadataError('NOT_A_MEMBER', `node ${node.xname} is not a member of group ${group}`)
  }
}

/**
 * The NC-7 index of the store's current generation, rebuilt at most once per generation; concurrent callers of a
 * generation share one load. A failed load is not kept, so the next call retries.
 */
function indexLoader(store: ResourceStore): () => Promise<ResourceIndex> {
  let loaded: { generation: number; index: ResourceIndex } | undefined
  let pending: { generation: number; promise: Promise<ResourceIndex> } | undefined
  return async () => {
    const generation = store.generation()
    if (loaded?.generation === generation) return loaded.index
    if (pending?.generation === generation) return pending.promise
    const promise = Promise.all([store.list('ClusterDefaults'), store.list('InstanceInfo'), store.list('Group')])
      .then(([clusterDefaults, instanceInfos, groups]) => {
        const index = buildResourceIndex({ clusterDefaults, instanceInfos, groups })
        if (loaded === undefined || loaded.generation !== store.generation()) loaded = { generation, index }
        return index
      })
      .finally(() => {
        if (pending?.promise === promise) pending = undefined
      })
    pending = { generation, promise }
    return promise
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
