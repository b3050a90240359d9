import { isMetadataError } from '../errors.js'
import type { RequestHeaders } from '../identity/headers.js'
import { requestBase } from '../identity/request-base.js'
import type { InventoryNode } from '../ports/inventory.js'
import { seedPath, unknownSeedToken } from '../seed-tokens/seed-policy.js'
import type { SeedTokens } from '../seed-tokens/seed-token-service.js'
import type { NoCloudService, RenderedDocument, RequestContext } from './nocloud-api.js'

/** The NoCloud documents (SPEC §2): the four fixed ones (NC-1..NC-4) and a group's `/{group}.yaml` (NC-4a). */
export type NoCloudDocumentName = 'meta-data' | 'user-data' | 'vendor-data' | 'network-config' | 'group'

/**
 * One NoCloud request, as a transport adapter extracted it: which document, and who asks. The adapter decides the
 * client address and the trust with `requestClient` (ID-1..ID-3), as for every other route.
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
   * SEED: the raw (undecoded) token segment of a request under a seed URL `/n/<token>/…`; absent for the
   * address-only routes. The node is then the token's, whatever the client address.
   */
  readonly seedToken?: string
  /**
   * The resolved node's xname, written by {@link answerNoCloudRequest} as soon as it is known (before the document
   * is built), so the request line can name it even when the answer is an error or the deadline's 503 (OPS-5).
   */
  node?: string
}

/** SEED: what the NoCloud use case asks of the seed tokens ({@link SeedTokens} is one); absent: `seed_tokens: off`. */
export type SeedTokenGate = Pick<SeedTokens, 'identify' | 'admitAddressOnly' | 'policy'>

/**
 * The NoCloud use case (SPEC §2): the document a client gets. user-data needs no node (NC-2, AT-6); every other
 * document resolves the client's node (ID-4) and builds with the NC-14 request base (`X-Forwarded-Host` and
 * `X-Forwarded-Proto` only from a trusted peer, else `Host` and `http`). Resolves with the exact bytes and media
 * type of the `200`; rejects with core's MetadataErrors with their exact texts (NODE_NOT_FOUND,
 * INVENTORY_UNAVAILABLE, NOT_A_MEMBER, MEMBERSHIP_UNAVAILABLE, COMPONENT_UNAVAILABLE, RENDER_FAILED), which the
 * adapter maps to statuses. Sets `request.node` once the node is known.
 *
 * SEED (`seeds` given): a request with a `seedToken` is answered for the token's node (`seeds.identify`: NODE_NOT_FOUND
 * `unknown seed token` for any token that names none, before any document is built), with vendor-data's `#include`
 * lines under the same seed path; every other byte is the address-only answer's, from the same cache. With
 * `seed_tokens: required`, an address-only request (user-data included) of a known node rejects with FORBIDDEN
 * naming the setting; an unknown address keeps NODE_NOT_FOUND, and its user-data.
 */
export async function answerNoCloudRequest(nocloud: NoCloudService, request: NoCloudRequest, seeds?: SeedTokenGate): Promise<RenderedDocument> {
  const token = request.seedToken
  let node: InventoryNode
  if (token !== undefined) {
    if (seeds === undefined) throw unknownSeedToken()
    node = await seeds.identify(token, request.client)
    request.node = node.xname
    if (request.document === 'user-data') return nocloud.userData()
  } else if (seeds === undefined || seeds.policy.mode !== 'required') {
    if (request.document === 'user-data') return nocloud.userData()
    node = await nocloud.resolveNode(request.client)
    request.node = node.xname
  } else {
    // `required`: even user-data asks who the client is, so a known node cannot boot address-only.
    try {
      node = await nocloud.resolveNode(request.client)
    } catch (err) {
      if (request.document === 'user-data' && isMetadataError(err, 'NODE_NOT_FOUND')) return nocloud.userData()
      throw err
    }
    request.node = node.xname
    seeds.admitAddressOnly(node)
    if (request.document === 'user-data') return nocloud.userData()
  }
  const base = requestBase(request.peerTrusted, request.headers)
  const context: RequestContext =
    token === undefined ? { ...base, reqId: request.reqId } : { ...base, reqId: request.reqId, seedPath: seedPath(token) }
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
