import { randomUUID } from 'node:crypto'
import { clientAddress, isTrustedPeer, type Cidr, type Logger } from '@metadata-service/core'
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
  /** Set when the answer was a 503 of the OPS-3 overload guard or the OPS-2 deadline. */
  readonly rejected?: 'overload' | 'timeout'
}

// NoCloud route patterns and the document each names; `/:group.yaml` names its group's file.
const DOCUMENTS: ReadonlyMap<string, string> = new Map([
  ['/meta-data', 'meta-data'],
  ['/user-data', 'user-data'],
  ['/vendor-data', 'vendor-data'],
  ['/network-config', 'network-config'],
])
const GROUP_ROUTE = '/:group.yaml'

// OPS-5: an incoming id is reused only when it is safe to echo and to log.
const VALID_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/

/**
 * The outermost middleware: sets `X-Request-ID` (OPS-5) and `X-Content-Type-Options: nosniff` on every response,
 * decides the client address from the socket peer (ID-1..ID-3; never Koa's `ctx.ip`), and logs one `request` line
 * per request through `logger` once the answer is known. `onStart` runs as a request enters, `observe` after its
 * line is logged (the SVC-4 metrics).
 */
export function requestContext(
  logger: Logger,
  trustedProxies: readonly Cidr[],
  observe?: (record: RequestRecord) => void,
  onStart?: () => void,
): AppMiddleware {
  return async (ctx, next) => {
    onStart?.()
    const started = performance.now()
    const incoming = ctx.get('X-Request-ID')
    const reqId = VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID()
    ctx.set('X-Request-ID', reqId)
    ctx.set('X-Content-Type-Options', 'nosniff')
    const peer = ctx.req.socket.remoteAddress ?? ''
    ctx.state.reqId = reqId
    ctx.state.peer = peer
    ctx.state.client = clientAddress(peer, ctx.req.headers, trustedProxies)
    ctx.state.peerTrusted = isTrustedPeer(peer, trustedProxies)
    try {
      await next()
    } finally {
      const route = ctx._matchedRoute
      const document = typeof route === 'string' ? (DOCUMENTS.get(route) ?? (route === GROUP_ROUTE ? `${ctx.params.group ?? ''}.yaml` : undefined)) : undefined
      const record: RequestRecord = {
        reqId,
        method: ctx.method,
        route: typeof route === 'string' ? route : 'unmatched',
        status: ctx.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        client: ctx.state.client,
        ...(ctx.state.node === undefined ? {} : { node: ctx.state.node }),
        ...(document === undefined ? {} : { document }),
        ...(ctx.state.rejected === undefined ? {} : { rejected: ctx.state.rejected }),
      }
      logger.info('request', { ...record })
      observe?.(record)
    }
  }
}

/** Headers the error handler keeps when it clears a failed route's headers. */
export const PRESERVED_HEADERS: ReadonlySet<string> = new Set(['x-request-id', 'x-content-type-options'])
