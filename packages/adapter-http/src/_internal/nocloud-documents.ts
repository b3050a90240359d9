import { requestBase, type NoCloudService, type RenderedDocument, type RequestContext } from '@metadata-service/core'
import type { IncomingHttpHeaders } from 'node:http'

/** The NoCloud documents (SPEC §2): the four fixed ones and a group's `/{group}.yaml`. */
export type NoCloudDocument = 'meta-data' | 'user-data' | 'vendor-data' | 'network-config' | 'group'

/** The fixed NoCloud routes, in registration order, each with its document. */
export const FIXED_NOCLOUD_ROUTES: ReadonlyArray<readonly [string, NoCloudDocument]> = [
  ['/meta-data', 'meta-data'],
  ['/user-data', 'user-data'],
  ['/vendor-data', 'vendor-data'],
  ['/network-config', 'network-config'],
]

/** The NoCloud group route pattern (NC-4c), as the router reports it and the request line names it. */
export const GROUP_ROUTE = '/:group.yaml'

/** What a NoCloud answer needs of its request; `node` is set as soon as the client's node is known (OPS-5). */
export interface NoCloudRequestState {
  readonly reqId: string
  /** ID-1..ID-3 client address. */
  readonly client: string
  /** ID-2: the peer may set forwarding headers (gates NC-14 X-Forwarded-Host/Proto). */
  readonly peerTrusted: boolean
  node?: string
}

/**
 * Renders one NoCloud document for the request in `state` (shared by the Koa routes and the fast path). The node
 * comes from ID-4 through the client address and is written to `state.node` before rendering, so the request line
 * names it even when rendering fails. `group` is read for `group` only. Rejects with core's MetadataErrors
 * (NODE_NOT_FOUND, NOT_A_MEMBER, INVENTORY_UNAVAILABLE, …).
 */
export async function renderNoCloudDocument(
  nocloud: NoCloudService,
  document: NoCloudDocument,
  group: string,
  state: NoCloudRequestState,
  headers: IncomingHttpHeaders,
): Promise<RenderedDocument> {
  // AT-6: user-data needs no node, so unknown clients get it too.
  if (document === 'user-data') return nocloud.userData()
  const node = await nocloud.resolveNode(state.client)
  state.node = node.xname
  // NC-14 step 4: X-Forwarded-Host/Proto count only from a trusted peer. The request id names the request in the
  // lines core logs while answering it (OPS-5).
  const request: RequestContext = { ...requestBase(state.peerTrusted, headers), reqId: state.reqId }
  switch (document) {
    case 'meta-data':
      return nocloud.metaData(node, request)
    case 'vendor-data':
      return nocloud.vendorData(node, request)
    case 'network-config':
      return nocloud.networkConfig(node, request)
    case 'group':
      return nocloud.groupDocument(node, group, request)
  }
}
