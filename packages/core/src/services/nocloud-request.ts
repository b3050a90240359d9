import type { RequestHeaders } from '../identity/headers.js'
import { requestBase } from '../identity/request-base.js'
import type { NoCloudService, RenderedDocument, RequestContext } from './nocloud-api.js'

/** The NoCloud documents (SPEC §2): the four fixed ones (NC-1..NC-4) and a group's `/{group}.yaml` (NC-4a). */
export type NoCloudDocumentName = 'meta-data' | 'user-data' | 'vendor-data' | 'network-config' | 'group'

/**
 * One NoCloud request, as a transport adapter extracted it: which document, and who asks. The adapter decides the
 * client address with `clientAddress` and the trust with `isTrustedPeer` (ID-1..ID-3), as for every other route.
 */
export interface NoCloudRequest {
  readonly document: NoCloudDocumentName
  /** `group` only: the group name, already percent-decoded (NC-4c); ignored for the other documents. */
  readonly group: string
  /** ID-1..ID-3 client address. */
  readonly client: string
  /** ID-2: the socket peer may set forwarding headers (gates NC-14 `X-Forwarded-Host` and `X-Forwarded-Proto`). */
  readonly peerTrusted: boolean
  /** The request headers; `Host`, `X-Forwarded-Host` and `X-Forwarded-Proto` are read for the NC-14 base URL. */
  readonly headers: RequestHeaders
  /** OPS-5: the request's id, put on the lines logged while answering it (an NC-17 degraded answer). */
  readonly reqId: string
  /**
   * The resolved node's xname, written by {@link answerNoCloudRequest} as soon as it is known (before the document
   * is built), so the request line can name it even when the answer is an error or the deadline's 503 (OPS-5).
   */
  node?: string
}

/**
 * The NoCloud use case (SPEC §2): the document a client gets. user-data needs no node (NC-2, AT-6); every other
 * document resolves the client's node (ID-4) and builds with the NC-14 request base (`X-Forwarded-Host` and
 * `X-Forwarded-Proto` only from a trusted peer, else `Host` and `http`). Resolves with the exact bytes and media
 * type of the `200`; rejects with core's MetadataErrors with their exact texts (NODE_NOT_FOUND,
 * INVENTORY_UNAVAILABLE, NOT_A_MEMBER, MEMBERSHIP_UNAVAILABLE, COMPONENT_UNAVAILABLE, RENDER_FAILED), which the
 * adapter maps to statuses. Sets `request.node` once the node is known.
 */
export async function answerNoCloudRequest(nocloud: NoCloudService, request: NoCloudRequest): Promise<RenderedDocument> {
  if (request.document === 'user-data') return nocloud.userData()
  const node = await nocloud.resolveNode(request.client)
  request.node = node.xname
  const context: RequestContext = { ...requestBase(request.peerTrusted, request.headers), reqId: request.reqId }
  switch (request.document) {
    case 'meta-data':
      return nocloud.metaData(node, context)
    case 'vendor-data':
      return nocloud.vendorData(node, context)
    case 'network-config':
      return nocloud.networkConfig(node, context)
    case 'group':
      return nocloud.groupDocument(node, request.group, context)
  }
}
