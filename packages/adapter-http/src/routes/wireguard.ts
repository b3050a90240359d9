import { Router } from '@koa/router'
import { MetadataError, WIREGUARD_DISABLED_MESSAGE } from '@metadata-service/core'
import { readRawBody } from '../_internal/read-body.js'
import { PLAIN_TEXT, send, sendJson } from '../_internal/respond.js'
import type { AppContext, AppMiddleware, AppState } from '../_internal/state.js'
import type { WireGuardEndpoints } from '../wireguard-endpoints.js'

/** Options of {@link wireGuardRoutes}. */
export interface WireGuardRouteOptions {
  /** SEC-5 body cap of `/wg-init`, in bytes. */
  readonly bodyLimitBytes: number
  /** The WG-12 gate, run before `/phone-home/{id}` (never before `/wg-init`); absent: no gate. */
  readonly guard?: AppMiddleware
}

/** WG-1: the endpoints while WireGuard is not wired at all; both routes still exist and answer 503. */
export const WIREGUARD_DISABLED: WireGuardEndpoints = {
  init: () => Promise.reject(new MetadataError('TUNNEL_UNAVAILABLE', WIREGUARD_DISABLED_MESSAGE)),
  phoneHome: () => Promise.reject(new MetadataError('TUNNEL_UNAVAILABLE', WIREGUARD_DISABLED_MESSAGE)),
  allowsSocketPeer: () => true,
}

/**
 * The WireGuard bootstrap routes (SPEC §7), open to any client (SEC-6: a booting node holds no token) and answering
 * plain-text errors:
 * - `POST /wg-init` (WG-4): the raw body, whatever its `Content-Type`, goes to the use case, which parses it;
 *   `202` with the JSON payload (hyphenated keys, the port as a string).
 * - `POST /phone-home/{id}` (WG-10): the body is never read; `200` with an empty body; `403` to anyone but the
 *   node that owns the peer (SPEC §16).
 *
 * Both act for the ID-1..ID-3 client address (ID-5). Registered before the NoCloud catch-all.
 */
export function wireGuardRoutes(wireguard: WireGuardEndpoints, options: WireGuardRouteOptions): Router<AppState> {
  const router = new Router<AppState>({ sensitive: true })
  router.post('/wg-init', async (ctx: AppContext) => {
    const body = await readRawBody(ctx, options.bodyLimitBytes)
    sendJson(ctx, 202, await wireguard.init(body, ctx.state.client, { reqId: ctx.state.reqId }))
  })
  const phoneHome = async (ctx: AppContext) => {
    await wireguard.phoneHome(ctx.params.id ?? '', ctx.state.client, { answered: responseDone(ctx), reqId: ctx.state.reqId })
    send(ctx, 200, PLAIN_TEXT, '')
  }
  if (options.guard === undefined) router.post('/phone-home/:id', phoneHome)
  else router.post('/phone-home/:id', options.guard, phoneHome)
  return router
}

// --- internal ---

/** Settles once the response has been handed to the OS, or its connection closed first. */
function responseDone(ctx: AppContext): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve()
    ctx.res.once('finish', done)
    ctx.res.once('close', done)
  })
}
