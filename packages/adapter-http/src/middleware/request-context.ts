import type { IncomingHttpHeaders } from 'node:http'
import { requestClient, type Cidr, type LogFields, type Logger } from '@metadata-service/core'
import { NOCLOUD_ROUTE_DOCUMENTS } from '../_internal/nocloud-route.js'
import { requestIdOf } from '../_internal/request-id.js'
import type { AppMiddleware } from '../_internal/state.js'

/** One finished request, as logged (OPS-5) and handed to an observer (the later `/metrics`, SVC-4). */
export interface RequestRecord {
  readonly reqId: string
  readonly method: string
  /** The matched route pattern (e.g. `/groups/:uid`), or `unmatched`. */
  readonly route: string
  readonly status: number
  /** Wall time in milliseconds, to 0.1 ms. */
  readonly ms: number
  /** ID-1..ID-3 client address. */
  readonly client: string
  /** The resolved node's xname; absent when none was resolved. */
  readonly node?: string
  /** NoCloud routes only: the document asked for (`meta-data`, …, `compute.yaml`), the audit trail of OPS-5. */
  readonly document?: string
  /**
   * SEED routes only: the fingerprint of the token in the path (first 8 hex digits of its SHA-256), never the token;
   * absent when the segment does not have the token shape.
   */
  readonly seed?: string
  /** Set when the answer was a 503 of the OPS-3 overload guard or the OPS-2 deadline. */
  readonly rejected?: 'overload' | 'timeout'
}


/**
 * The outermost middleware: sets `X-Request-ID` (OPS-5) and `X-Content-Type-Options: nosniff` on every response,
 * decides the client address from the socket peer (ID-1..ID-3; never Koa's `ctx.ip`), and logs one `request` line
 * per request through `logger` once the answer is known. `onStart` runs as a request enters, `observe` after its
 * line is logged (the SVC-4 metrics), `onUntrusted` with the headers of a peer not in `trustedProxies` (§16).
 */
export function requestContext(
  logger: Logger,
  trustedProxies: readonly Cidr[],
  observe?: (record: RequestRecord) => void,
  onStart?: () => void,
  onUntrusted?: (peer: string, headers: IncomingHttpHeaders) => void,
): AppMiddleware {
  return async (ctx, next) => {
    onStart?.()
    const started = performance.now()
    const reqId = requestIdOf(ctx.get('X-Request-ID'))
    ctx.set('X-Request-ID', reqId)
    ctx.set('X-Content-Type-Options', 'nosniff')
    const peer = ctx.req.socket.remoteAddress ?? ''
    ctx.state.reqId = reqId
    ctx.state.peer = peer
    const client = requestClient(peer, ctx.req.headers, trustedProxies)
    ctx.state.client = client.address
    ctx.state.peerTrusted = client.peerTrusted
    if (!ctx.state.peerTrusted) onUntrusted?.(peer, ctx.req.headers)
    try {
      await next()
    } finally {
      const route = ctx._matchedRoute
      finishRequest(logger, observe, {
        reqId,
        method: ctx.method,
        route: typeof route === 'string' ? route : undefined,
        // NoCloud routes, the only ones with a group, are answered by the NoCloud handler before Koa.
        group: undefined,
        status: ctx.status,
        started,
        client: ctx.state.client,
        node: ctx.state.node,
        rejected: ctx.state.rejected,
      })
    }
  }
}

/** Headers the error handler keeps when it clears a failed route's headers. */
export const PRESERVED_HEADERS: ReadonlySet<string> = new Set(['x-request-id', 'x-content-type-options'])

/** What {@link finishRequest} needs to know of a finished request. */
export interface FinishedRequest {
  readonly reqId: string
  readonly method: string
  /** The matched route pattern; absent: `unmatched`. */
  readonly route: string | undefined
  /** The `group` route parameter (only read for the group routes). */
  readonly group: string | undefined
  readonly status: number
  /** `performance.now()` when the request entered. */
  readonly started: number
  readonly client: string
  readonly node: string | undefined
  readonly rejected: 'overload' | 'timeout' | undefined
  /** SEED: the token's fingerprint, on a seed route whose token segment has the token shape. */
  readonly seed?: string | undefined
}

/**
 * OPS-5: logs the one `request` line of a finished request through `logger`, then hands the same record to
 * `observe` (SVC-4). The one place a finished request is recorded: the Koa app and the NoCloud handler both end here.
 */
export function finishRequest(logger: Logger, observe: ((record: RequestRecord) => void) | undefined, done: FinishedRequest): void {
  const route = done.route
  // NoCloud routes name their document; the group routes name the group's file (`compute.yaml`).
  const named = route === undefined ? undefined : NOCLOUD_ROUTE_DOCUMENTS.get(route)
  const document = named === 'group' ? `${done.group ?? ''}.yaml` : named
  const record: { -readonly [K in keyof RequestRecord]: RequestRecord[K] } = {
    reqId: done.reqId,
    method: done.method,
    route: route ?? 'unmatched',
    status: done.status,
    ms: Math.round((performance.now() - done.started) * 10) / 10,
    client: done.client,
  }
  // Set only when known, so the log line has no empty keys; assigned rather than spread (once per request, OPS-7).
  if (done.node !== undefined) record.node = done.node
  if (document !== undefined) record.document = document
  if (done.seed !== undefined) record.seed = done.seed
  if (done.rejected !== undefined) record.rejected = done.rejected
  // The logger serialises at once and keeps nothing, so the record itself can be its fields.
  logger.info('request', record as unknown as LogFields)
  observe?.(record)
}
