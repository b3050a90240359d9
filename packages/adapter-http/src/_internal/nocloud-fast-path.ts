import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { clientAddress, isTrustedPeer, type Cidr, type Logger, type NoCloudService } from '@metadata-service/core'
import { deadlineError, logLateFailure } from '../middleware/deadline.js'
import { finishRequest, type RequestRecord } from '../middleware/request-context.js'
import { errorResponse, type ErrorResponse } from './error-response.js'
import { requestIdOf } from './request-id.js'
import type { InflightLimit } from './inflight-limit.js'
import { FIXED_NOCLOUD_ROUTES, GROUP_ROUTE, renderNoCloudDocument, type NoCloudDocument, type NoCloudRequestState } from './nocloud-documents.js'

/** What the fast path shares with the Koa app it sits in front of. */
export interface NoCloudFastPathOptions {
  readonly nocloud: NoCloudService
  readonly logger: Logger
  /** ID-2: peers whose forwarding headers count. */
  readonly trustedProxies: readonly Cidr[]
  /** OPS-3: the same limit the app's overload guard counts against. */
  readonly limit: InflightLimit
  /** OPS-2 deadline in milliseconds; 0 disables it. */
  readonly timeoutMs: number
  /** Called with each finished request's record, after it is logged (SVC-4). */
  readonly observe?: (record: RequestRecord) => void
  /** Called as a request enters (SVC-4 in-flight gauge). */
  readonly onStart?: () => void
  /** Called with the headers of a peer not in `trustedProxies` (§16: forwarding headers from it are ignored). */
  readonly onUntrusted?: (peer: string, headers: IncomingMessage['headers']) => void
}

interface Target {
  readonly route: string
  readonly document: NoCloudDocument
}

// The exact NoCloud paths, with and without the NC-4b trailing slash.
const FIXED: ReadonlyMap<string, Target> = new Map(
  FIXED_NOCLOUD_ROUTES.flatMap(([route, document]) => [
    [route, { route, document }],
    [`${route}/`, { route, document }],
  ]),
)
const GROUP_TARGET: Target = { route: GROUP_ROUTE, document: 'group' }
// `/{group}.yaml` with a group the router would hand over verbatim (nothing to percent-decode, no leading dot);
// anything else goes to Koa.
const GROUP_PATH = /^\/([A-Za-z0-9_-][A-Za-z0-9._-]*)\.yaml$/
const NOSNIFF = 'nosniff'
const NO_HEADERS: ErrorResponse['headers'] = []

/**
 * OPS-7: a plain `node:http` listener in front of Koa's `koa` callback that answers GET and HEAD of `/meta-data`,
 * `/user-data`, `/vendor-data`, `/network-config` (+ trailing `/`) and plain `/{group}.yaml` itself, with exactly
 * the Koa path's behaviour (headers, bodies, OPS-5 request line and record, OPS-3 limit, OPS-2 deadline, NC-14
 * context, error texts) through the same shared functions, but without the Koa stack. Every other request
 * (methods, query strings, encoded or unusual paths) goes to `koa` unchanged. No route registered before the
 * NoCloud ones may take a single-segment `*.yaml` path or a fixed NoCloud path, or this would shadow it.
 */
export function nocloudFastPath(koa: RequestListener, options: NoCloudFastPathOptions): RequestListener {
  return (req, res) => {
    const method = req.method
    const url = req.url ?? ''
    if (method !== 'GET' && method !== 'HEAD') return koa(req, res)
    const fixed = FIXED.get(url)
    if (fixed !== undefined) return void answer(options, req, res, fixed, '')
    const group = GROUP_PATH.exec(url)?.[1]
    if (group === undefined) return koa(req, res)
    void answer(options, req, res, GROUP_TARGET, group)
  }
}

// --- internal ---

/** One request of the fast path: its NoCloud state plus what the request line and the deadline need. */
class FastRequest implements NoCloudRequestState {
  node?: string
  settled = false
  timer: NodeJS.Timeout | undefined = undefined
  /** The matched route; undefined when the overload guard refused the request before routing (as in Koa). */
  route: string | undefined

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly reqId: string,
    readonly client: string,
    readonly peerTrusted: boolean,
    readonly started: number,
    route: string,
    readonly group: string,
  ) {
    this.route = route
  }
}

async function answer(o: NoCloudFastPathOptions, req: IncomingMessage, res: ServerResponse, target: Target, group: string): Promise<void> {
  o.onStart?.()
  const started = performance.now()
  const incoming = req.headers['x-request-id']
  const reqId = requestIdOf(typeof incoming === 'string' ? incoming : undefined)
  const peer = req.socket.remoteAddress ?? ''
  const client = clientAddress(peer, req.headers, o.trustedProxies)
  const trusted = isTrustedPeer(peer, o.trustedProxies)
  if (!trusted) o.onUntrusted?.(peer, req.headers)
  const state = new FastRequest(req, res, reqId, client, trusted, started, target.route, group)
  try {
    o.limit.enter()
  } catch (err) {
    // Koa's overload guard refuses before the router runs: the request line says `unmatched`.
    state.route = undefined
    return fail(o, state, err)
  }
  if (o.timeoutMs > 0) state.timer = setTimeout(expire, o.timeoutMs, o, state)
  let body: string
  let contentType: string
  try {
    const rendered = await renderNoCloudDocument(o.nocloud, target.document, group, state, req.headers)
    body = rendered.body
    contentType = rendered.contentType
  } catch (err) {
    if (state.settled) return logLateFailure(o.logger, reqId, err)
    settle(o, state)
    return fail(o, state, err)
  }
  if (state.settled) return
  settle(o, state)
  finish(o, state, 200, undefined)
  write(state, 200, contentType, body, NO_HEADERS)
}

/** OPS-2: the deadline fired first. */
function expire(o: NoCloudFastPathOptions, state: FastRequest): void {
  state.settled = true
  o.limit.leave()
  fail(o, state, deadlineError())
}

function settle(o: NoCloudFastPathOptions, state: FastRequest): void {
  state.settled = true
  clearTimeout(state.timer)
  o.limit.leave()
}

function fail(o: NoCloudFastPathOptions, state: FastRequest, err: unknown): void {
  // NoCloud errors are plain text (SPEC §0).
  const response = errorResponse(err, 'plain', state.reqId, o.logger)
  finish(o, state, response.status, response.rejected)
  write(state, response.status, response.contentType, response.body, response.headers)
}

function finish(o: NoCloudFastPathOptions, state: FastRequest, status: number, rejected: 'overload' | 'timeout' | undefined): void {
  finishRequest(o.logger, o.observe, {
    reqId: state.reqId,
    method: state.req.method ?? '',
    route: state.route,
    group: state.group,
    status,
    started: state.started,
    client: state.client,
    node: state.node,
    rejected,
  })
}

/** Writes the answer as Koa would: its headers in Koa's order, `Content-Length` always, no body for HEAD. */
function write(state: FastRequest, status: number, contentType: string, body: string, extra: ErrorResponse['headers']): void {
  const headers: string[] = ['X-Request-ID', state.reqId, 'X-Content-Type-Options', NOSNIFF]
  for (const [name, value] of extra) headers.push(name, value)
  headers.push('Content-Type', contentType, 'Content-Length', String(Buffer.byteLength(body)))
  state.res.writeHead(status, headers)
  if (state.req.method === 'HEAD') state.res.end()
  else state.res.end(body)
}
