import { MetadataError } from '../errors.js'
import { createDocumentCache, type CacheEpoch } from '../nocloud/document-cache.js'
import { groupDocumentKey, META_DATA_KEY, NETWORK_CONFIG_KEY, vendorDataKey, zeroDocumentCounts, type CachedDocumentKind, type DocumentCounts } from '../nocloud/document-keys.js'
import { CLOUD_CONFIG_HEADER, MINIMAL_NETWORK_CONFIG, MINIMAL_VENDOR_DATA, NOCLOUD_CONTENT_TYPES } from '../nocloud/documents.js'
import { describeNetworkConfigNote, type NetworkAddressCounts, type NetworkConfigDocument } from '../nocloud/network-config-notes.js'
import { buildResourceIndex, type ResourceIndex } from '../nocloud/resource-index.js'
import type { Inventory, InventoryNode } from '../ports/inventory.js'
import type { Logger } from '../ports/logger.js'
import type { ResourceStore } from '../ports/resource-store.js'
import { isRenderLimitError, renderGroupTemplate, type TemplateContext } from '../templates/index.js'
import type { NoCloudPreview, NoCloudService, RenderedDocument, RequestContext } from './nocloud-api.js'
import { createNoCloudBuilders } from './_nocloud-builders.js'
import { createPrerenderer, type PrerenderOptions, type PrerenderStats, type Prerenderer } from './nocloud-prerender.js'
import { renderPreview } from './_render-preview.js'
import { errorText } from './_error-text.js'
import { templateLimitCounter } from './_template-limits.js'

/** The routes NC-17 answers with a minimal body instead of an error. */
export type DegradedRoute = 'vendor-data' | 'network-config'

/** Dependencies of {@link createNoCloudService}. */
export interface NoCloudServiceDeps {
  readonly inventory: Inventory
  readonly store: ResourceStore
  /** `public_url` (CFG), the NC-14 step 3 base URL; "" or absent means unset. */
  readonly publicUrl?: string
  readonly logger: Logger
  /** Renders a Mustache or Pongo2 group template (NC-16 step 8). Default: `renderGroupTemplate` within `maxDocumentBytes`. */
  readonly renderGroup?: (template: string, context: TemplateContext) => string
  /** `max_document_bytes`: the largest rendered group document, in bytes (SPEC §16). Default 1 MiB. */
  readonly maxDocumentBytes?: number
  /** WG-9: the xname owning a tunnel address, consulted before the inventory (ID-4). See also `useTunnelAddresses`. */
  readonly tunnelResolver?: (address: string) => string | undefined
  /** Called once per NC-17 degraded answer, e.g. to count `degraded_responses_total{route}`. */
  readonly onDegraded?: (route: DegradedRoute) => void
  /** Cap on cached rendered documents. Default 200,000 (`DEFAULT_MAX_CACHED_DOCUMENTS`). */
  readonly maxCachedDocuments?: number
}

/** Counters of a NoCloud service since it was created. */
export interface NoCloudStats {
  /** Documents built for requests (cache misses), per document; the pre-render's builds are in `prerender`. */
  readonly builds: DocumentCounts
  /** Requests answered from the cache (pre-rendered documents included), per document. */
  readonly hits: DocumentCounts
  /** NC-17 degraded answers, per route. */
  readonly degraded: Readonly<Record<DegradedRoute, number>>
  /**
   * Addresses in the network-config documents built so far (requests and pre-render; a cached answer adds
   * nothing), by outcome: with a defined prefix, with a guessed one, left out (issue 14).
   */
  readonly networkAddresses: NetworkAddressCounts
  /**
   * Group documents answered `500 template output exceeds <limit>` (SPEC §16 "Template cost"), by group and by
   * limit (`bytes`: max_document_bytes, `steps`: the render budget).
   */
  readonly templateLimits: Readonly<Record<string, Readonly<Record<'bytes' | 'steps', number>>>>
  /** Rendered documents currently cached. */
  readonly cachedDocuments: number
  /** OPS-7 pre-render progress (all zero and `enabled: false` until `startPrerender`). */
  readonly prerender: PrerenderStats
}

/** A {@link NoCloudService} that also reports its counters and previews renders. */
export interface InstrumentedNoCloudService extends NoCloudService, NoCloudPreview {
  stats(): NoCloudStats
  /**
   * OPS-7: renders every node's meta-data, network-config, vendor-data and group documents (one per membership that
   * is a stored Group) into the cache in the background, now and after every inventory snapshot or store change
   * (once the generations settle, within about 2 × `pollMs`), in slices of a few milliseconds, so a boot storm
   * finds them cached. vendor-data is skipped for a node whose
   * NC-14 base would come from the request's host (no InstanceInfo `cloud_init_base_url`, ClusterDefaults
   * `base_url` or `public_url`): counted in `prerender.lastPass.requestDependent`. Stops at `maxCachedDocuments`.
   * Off until called; a later call changes nothing (its options are ignored) and returns the same `stop`. Call
   * `stop()` on shutdown.
   */
  startPrerender(options?: PrerenderOptions): Pick<Prerenderer, 'stop'>
  /**
   * WG-9, bound late: from now on `resolveNode` asks `tunnels` for the owner of a tunnel address before the inventory
   * (replacing `tunnelResolver`). The WireGuard service owns the tunnel addresses but needs `resolveNode` to start
   * (WG-6), so the composition root creates this service first, starts WireGuard over it, then binds it here.
   */
  useTunnelAddresses(tunnels: TunnelAddressOwner): void
}

/** What `useTunnelAddresses` reads: the WireGuard service implements it (WG-9). */
export interface TunnelAddressOwner {
  /** The xname of the peer holding tunnel `address`; undefined for any other address. */
  resolveTunnelAddress(address: string): string | undefined
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
  const renderGroup =
    deps.renderGroup ?? ((template: string, context: TemplateContext) => renderGroupTemplate(template, context, { maxDocumentBytes: deps.maxDocumentBytes }))
  const generations = () => [inventory.generation(), store.generation()]
  const cache = createDocumentCache(generations, deps.maxCachedDocuments)
  const builds = zeroDocumentCounts()
  const hits = zeroDocumentCounts()
  const degraded: Record<DegradedRoute, number> = { 'vendor-data': 0, 'network-config': 0 }
  const limits = templateLimitCounter(logger)
  const currentIndex = indexLoader(store)
  let tunnelResolver = deps.tunnelResolver
  const networkAddresses = { defined: 0, guessed: 0, leftOut: 0 }
  const onNetworkConfig = (node: InventoryNode, document: NetworkConfigDocument): void => {
    networkAddresses.defined += document.addresses.defined
    networkAddresses.guessed += document.addresses.guessed
    networkAddresses.leftOut += document.addresses.leftOut
    // Issue 14: an address outside its network's subnet is left out with its reason, and said so once per build
    // (a build happens once per node and store or snapshot generation, thanks to the cache).
    if (document.fromDefinitions && document.addresses.leftOut > 0) {
      const leftOut = document.notes.filter((note) => note.kind === 'left-out').map(describeNetworkConfigNote)
      logger.warn('network-config addresses left out', { node: node.xname, addresses: leftOut })
    }
  }

  const build = createNoCloudBuilders({ publicUrl, renderGroup, onNetworkConfig })
  const degrade = (
    route: DegradedRoute,
    node: InventoryNode,
    cause: unknown,
    body: string,
    request: RequestContext | undefined,
  ): RenderedDocument => {
    degraded[route] += 1
    const reqId = request?.reqId
    logger.warn('degraded response', { ...(reqId === undefined ? {} : { reqId }), route, node: node.xname, error: errorText(cause) })
    deps.onDegraded?.(route)
    return { body, contentType: route === 'vendor-data' ? NOCLOUD_CONTENT_TYPES.vendorData : NOCLOUD_CONTENT_TYPES.networkConfig }
  }

  /**
   * The one cache step of every node document (OPS-7): the epoch's entry for `key` when it was built from an equal
   * node (counted in `hits`), else `render` over the index `loadIndex` gives, counted in `builds` (also when it throws)
   * and kept. Failed renders are not kept here; callers that keep a failure do so themselves.
   */
  const cachedDocument = async (
    doc: CachedDocumentKind,
    epoch: CacheEpoch,
    key: string,
    node: InventoryNode,
    loadIndex: () => ResourceIndex | Promise<ResourceIndex>,
    render: (index: ResourceIndex) => string,
  ): Promise<RenderedDocument> => {
    const hit = epoch.get(key, node)
    if (hit) {
      hits[doc] += 1
      return hit
    }
    const index = await loadIndex()
    builds[doc] += 1
    const rendered = { body: render(index), contentType: NOCLOUD_CONTENT_TYPES[doc] }
    epoch.set(key, node, rendered)
    return rendered
  }

  const service: NoCloudService & Pick<InstrumentedNoCloudService, 'stats'> = {
    async resolveNode(address) {
      let node: InventoryNode | undefined
      try {
        const tunnelXname = tunnelResolver?.(address)
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
      return cachedDocument('metaData', cache.epoch(), META_DATA_KEY, node, currentIndex, (index) => build.metaData(node, index))
    },

    async vendorData(node, request) {
      try {
        const epoch = cache.epoch()
        const index = await currentIndex()
        const base = build.vendorDataBase(node, index, request)
        return await cachedDocument('vendorData', epoch, vendorDataKey(base), node, () => index, () => build.vendorData(node, index, base))
      } catch (cause) {
        return degrade('vendor-data', node, cause, MINIMAL_VENDOR_DATA, request)
      }
    },

    async networkConfig(node, request) {
      try {
        return await cachedDocument('networkConfig', cache.epoch(), NETWORK_CONFIG_KEY, node, currentIndex, (index) =>
          build.networkConfig(node, index),
        )
      } catch (cause) {
        return degrade('network-config', node, cause, MINIMAL_NETWORK_CONFIG, request)
      }
    },

    async groupDocument(node, group, request: RequestContext) {
      // NC-16, first failing check answers. Step 1 (resolving the node) is the caller's.
      checkMembership(node, group)
      const epoch = cache.epoch()
      const key = groupDocumentKey(group)
      const indexUnlessFailed = () => {
        const failed = epoch.failure(key, node)
        if (failed !== undefined) throw limits.answered(epoch, failed, group, node, request)
        return currentIndex()
      }
      return cachedDocument('group', epoch, key, node, indexUnlessFailed, (index) => {
        try {
          return build.group(node, index, index.group(group)?.spec)
        } catch (err) {
          if (!isRenderLimitError(err)) throw err
          // SPEC §16: this node gets the 500; the failure is kept like a document, so asking again costs nothing.
          epoch.setFailure(key, node, err)
          throw limits.answered(epoch, err, group, node, request)
        }
      })
    },

    stats: () => ({
      builds: { ...builds },
      hits: { ...hits },
      degraded: { ...degraded },
      networkAddresses: { ...networkAddresses },
      templateLimits: limits.counts(),
      cachedDocuments: cache.size(),
      prerender: prerenderer?.stats() ?? idlePrerenderStats(),
    }),
  }
  let prerenderer: Prerenderer | undefined
  return {
    ...service,
    // Built beside the service from the same pieces, so a preview shows the very bytes a node gets.
    // The same builders as the routes, without the cache and the counters: a preview is not an answer to a node.
    preview: (request) =>
      renderPreview(request, {
        inventory,
        loadIndex: currentIndex,
        metaData: build.metaData,
        vendorData: (node, index, context) => build.vendorData(node, index, build.vendorDataBase(node, index, context)),
        networkConfig: build.networkConfigDocument,
        group: (node, index, group, spec) => {
          checkMembership(node, group)
          return build.group(node, index, spec)
        },
        maxDocumentBytes: deps.maxDocumentBytes,
      }),
    startPrerender(options) {
      prerenderer ??= createPrerenderer(
        {
          cache,
          generations,
          nodes: () => inventory.nodes(),
          nodeCount: () => inventory.health().nodes,
          loadIndex: currentIndex,
          documents: build.warmDocuments,
          subscribe: (listener) => store.subscribe(listener),
          logger,
        },
        options,
      )
      prerenderer.start()
      return { stop: prerenderer.stop }
    },
    useTunnelAddresses(tunnels) {
      tunnelResolver = (address) => tunnels.resolveTunnelAddress(address)
    },
  }
}

// --- internal ---

function idlePrerenderStats(): PrerenderStats {
  return { enabled: false, running: false, builds: zeroDocumentCounts(), passes: 0, abandoned: 0 }
}

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
