import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import {
  answerNoCloudRequest,
  MetadataError,
  requestClient,
  isSeedTokenShape,
  seedTokenFingerprint,
  type Cidr,
  type Logger,
  type NoCloudDocumentName,
  type NoCloudRequest,
  type NoCloudService,
  type RenderedDocument,
  type SeedTokenGate,
} from '@metadata-service/core'
import { deadlineError, logLateFailure } from '../middleware/deadline.js'
import { BAD_PATH_MESSAGE } from '../middleware/path-encoding.js'
import { finishRequest, type RequestRecord } from '../middleware/request-context.js'
import { assertWireGuardPeer } from '../middleware/wireguard-only.js'
import type { WireGuardEndpoints } from '../wireguard-endpoints.js'
import { errorResponse, type ErrorResponse } from './error-response.js'
import type { InflightLimit } from './inflight-limit.js'
import { MethodNotAllowedError } from './method-not-allowed.js'
import { matchNoCloudRoute, NOCLOUD_METHODS, type NoCloudRoute } from './nocloud-route.js'
import { requestIdOf } from './request-id.js'

/** What the NoCloud handler shares with the Koa app behind it. */
export interface NoCloudHandlerOptions {
  readonly nocloud: NoCloudService
  readonly logger: Logger
  /** ID-2: peers whose forwarding headers count. */
  readonly trustedProxies: readonly Cidr[]
  /** OPS-3: the same limit the Koa overload guard counts against. */
  readonly limit: InflightLimit
  /** OPS-2 deadline in milliseconds; 0 disables it. */
  readonly timeoutMs: number
  /**
   * SEED: the seed tokens; with them the routes under `/n/<token>/` are NoCloud routes answered for the token's node,
   * and `seed_tokens: required` refuses known nodes the address-only routes. Absent: `seed_tokens: off`.
   */
  readonly seeds?: SeedTokenGate
  /** WG-12 `--wireguard-only`: asked about the socket peer of every NoCloud GET/HEAD; absent: no gate. */
  readonly wireguardOnly?: Pick<WireGuardEndpoints, 'allowsSocketPeer'>
  /** Called with each finished request's record, after it is logged (SVC-4). */
  readonly observe?: (record: RequestRecord) => void
  /** Called as a request enters (SVC-4 in-flight gauge). */
  readonly onStart?: () => void
  /** Called with the headers of a peer not in `trustedProxies` (§16: forwarding headers from it are ignored). */
  readonly onUntrusted?: (peer: string, headers: IncomingMessage['headers']) => void
}

/**
 * The one NoCloud request path (SPEC §2, OPS-7, issue 18): a `node:http` listener that answers every request to a
 * NoCloud path (any method, any spelling `matchNoCloudRoute` accepts) and hands every other request to `rest`
 * (the Koa app) untouched. Per request, in this order, as the Koa middleware does for the rest of the API:
 * `X-Request-ID` and `nosniff` (OPS-5), client address and peer trust (ID-1..ID-3), the OPS-3 limit, the OPS-2
 * deadline, `405` with `Allow` for a method other than GET/HEAD (OPS-6), the WG-12 gate, then core's
 * `answerNoCloudRequest`. Errors become responses through the one error table (`errorResponse`, plain text);
 * the request is recorded once through `finishRequest` (OPS-5 line, SVC-4 observe), and written by {@link write}.
 */
export function nocloudListener(rest: RequestListener, options: NoCloudHandlerOptions): RequestListener {
  const seeds = options.seeds !== undefined
  return (req, res) => {
    const route = matchNoCloudRoute(req, seeds)
    if (route === undefined) return rest(req, res)
    void answer(options, req, res, route)
  }
}

// --- internal ---

/** One NoCloud request: what core's use case reads (and its `node`), plus what the request line and deadline need. */
class NoCloudExchange implements NoCloudRequest {
  readonly document: NoCloudDocumentName
  readonly group: string
  readonly undecodable: boolean
  readonly seedToken: string | undefined
  readonly headers: IncomingMessage['headers']
  node?: string
  settled = false
  timer: NodeJS.Timeout | undefined = undefined
  /** The route pattern; undefined when the request matched no route for its method (`unmatched` in the line). */
  route: string | undefined

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    target: NoCloudRoute,
    readonly reqId: string,
    readonly client: string,
    readonly peerTrusted: boolean,
    readonly started: number,
  ) {
    this.document = target.document
    this.group = target.group
    this.undecodable = target.undecodable === true
    this.seedToken = target.seedToken
    this.headers = req.headers
    this.route = target.route
  }
}

const NOSNIFF = 'nosniff'
const NO_HEADERS: ErrorResponse['headers'] = []

async function answer(o: NoCloudHandlerOptions, req: IncomingMessage, res: ServerResponse, target: NoCloudRoute): Promise<void> {
  o.onStart?.()
  const started = performance.now()
  const incoming = req.headers['x-request-id']
  const reqId = requestIdOf(typeof incoming === 'string' ? incoming : undefined)
  const peer = req.socket.remoteAddress ?? ''
  const client = requestClient(peer, req.headers, o.trustedProxies)
  if (!client.peerTrusted) o.onUntrusted?.(peer, req.headers)
  const x = new NoCloudExchange(req, res, target, reqId, client.address, client.peerTrusted, started)
  try {
    o.limit.enter()
  } catch (err) {
    // Refused before routing, as the Koa overload guard refuses: the request line says `unmatched`.
    x.route = undefined
    return fail(o, x, err)
  }
  if (o.timeoutMs > 0) x.timer = setTimeout(expire, o.timeoutMs, o, x)
  let document: RenderedDocument
  try {
    admit(o, x, peer)
    document = await answerNoCloudRequest(o.nocloud, x, o.seeds)
  } catch (err) {
    if (x.settled) return logLateFailure(o.logger, reqId, err)
    settle(o, x)
    return fail(o, x, err)
  }
  if (x.settled) return
  settle(o, x)
  finish(o, x, 200, undefined)
  write(x, 200, document.contentType, document.body, NO_HEADERS)
}

/**
 * OPS-6, issue 16 and WG-12: throws when the method is not GET/HEAD, the path does not percent-decode, or the
 * `--wireguard-only` gate refuses the socket peer.
 */
function admit(o: NoCloudHandlerOptions, x: NoCloudExchange, peer: string): void {
  const method = x.req.method
  if (method !== 'GET' && method !== 'HEAD') {
    x.route = undefined
    throw new MethodNotAllowedError(NOCLOUD_METHODS)
  }
  if (x.undecodable) throw new MetadataError('INVALID_PATH', BAD_PATH_MESSAGE)
  if (o.wireguardOnly !== undefined) assertWireGuardPeer(o.wireguardOnly, peer)
}

/** OPS-2: the deadline fired first. */
function expire(o: NoCloudHandlerOptions, x: NoCloudExchange): void {
  x.settled = true
  o.limit.leave()
  fail(o, x, deadlineError())
}

function settle(o: NoCloudHandlerOptions, x: NoCloudExchange): void {
  x.settled = true
  clearTimeout(x.timer)
  o.limit.leave()
}

function fail(o: NoCloudHandlerOptions, x: NoCloudExchange, err: unknown): void {
  // NoCloud errors are plain text (SPEC §0).
  const response = errorResponse(err, 'plain', x.reqId, o.logger)
  finish(o, x, response.status, response.rejected)
  write(x, response.status, response.contentType, response.body, response.headers)
}

function finish(o: NoCloudHandlerOptions, x: NoCloudExchange, status: number, rejected: 'overload' | 'timeout' | undefined): void {
  finishRequest(o.logger, o.observe, {
    reqId: x.reqId,
    method: x.req.method ?? '',
    route: x.route,
    group: x.group,
    status,
    started: x.started,
    client: x.client,
    node: x.node,
    rejected,
    seed: seedOf(x.seedToken),
  })
}

/**
 * SEED audit: the fingerprint of a token-shaped segment, never the token (SEC-4); nothing for any other segment, so
 * a flood of junk (up to the header size limit) costs no hashing.
 */
function seedOf(token: string | undefined): string | undefined {
  return token !== undefined && isSeedTokenShape(token) ? seedTokenFingerprint(token) : undefined
}

/**
 * The one place a NoCloud response is written: `X-Request-ID`, `nosniff`, the error's extra headers, `Content-Type`
 * and `Content-Length` in that order (the order the Koa app writes its own answers in), and no body for HEAD.
 */
function write(x: NoCloudExchange, status: number, contentType: string, body: string, extra: ErrorResponse['headers']): void {
  const headers: string[] = ['X-Request-ID', x.reqId, 'X-Content-Type-Options', NOSNIFF]
  for (const [name, value] of extra) headers.push(name, value)
  headers.push('Content-Type', contentType, 'Content-Length', String(Buffer.byteLength(body)))
  x.res.writeHead(status, headers)
  if (x.req.method === 'HEAD') x.res.end()
  else x.res.end(body)
}
