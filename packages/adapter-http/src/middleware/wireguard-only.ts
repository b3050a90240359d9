import { MetadataError } from '@metadata-service/core'
import type { AppMiddleware } from '../_internal/state.js'
import type { WireGuardEndpoints } from '../wireguard-endpoints.js'

/** WG-12: the 403 text (plain, like every NoCloud and WireGuard error). */
export const WIREGUARD_ONLY_MESSAGE = 'wireguard-only access required'

/**
 * `--wireguard-only` (WG-12, SEC-2): refuses a request whose socket peer the WireGuard side does not allow with
 * `403` plain `wireguard-only access required`, before any work is done. It looks at `ctx.state.peer` (the socket
 * address) only: forwarding headers never open the gate, even from a trusted proxy. Mounted on the NoCloud routes
 * and `/phone-home/{id}` only; `/wg-init` (it precedes the tunnel), the resource API and the SVC routes are exempt.
 */
export function wireGuardOnly(wireguard: Pick<WireGuardEndpoints, 'allowsSocketPeer'>): AppMiddleware {
  return async (ctx, next) => {
    if (!wireguard.allowsSocketPeer(ctx.state.peer)) throw new MetadataError('FORBIDDEN', WIREGUARD_ONLY_MESSAGE)
    await next()
  }
}
