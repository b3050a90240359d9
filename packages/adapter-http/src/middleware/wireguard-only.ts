import { MetadataError } from '@metadata-service/core'
import type { AppMiddleware } from '../_internal/state.js'
import type { WireGuardEndpoints } from '../wireguard-endpoints.js'

/** WG-12: the 403 text (plain, like every NoCloud and WireGuard error). */
export const WIREGUARD_ONLY_MESSAGE = 'wireguard-only access required'

/**
 * `--wireguard-only` (WG-12, SEC-2): throws `403` plain `wireguard-only access required` unless the WireGuard side
 * allows the socket `peer`. Only the socket address counts: forwarding headers never open the gate, even from a
 * trusted proxy. Asked by the NoCloud handler for every NoCloud GET/HEAD and by {@link wireGuardOnly}.
 */
export function assertWireGuardPeer(wireguard: Pick<WireGuardEndpoints, 'allowsSocketPeer'>, peer: string): void {
  if (!wireguard.allowsSocketPeer(peer)) throw new MetadataError('FORBIDDEN', WIREGUARD_ONLY_MESSAGE)
}

/**
 * The WG-12 gate as a Koa middleware, before any work is done, on `ctx.state.peer` (the socket address). Mounted on
 * `/phone-home/{id}` only (the NoCloud handler asks {@link assertWireGuardPeer} itself); `/wg-init` (it precedes the
 * tunnel), the resource API and the SVC routes are exempt.
 */
export function wireGuardOnly(wireguard: Pick<WireGuardEndpoints, 'allowsSocketPeer'>): AppMiddleware {
  return async (ctx, next) => {
    assertWireGuardPeer(wireguard, ctx.state.peer)
    await next()
  }
}
