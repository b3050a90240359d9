import { isMetadataError, type Logger, type MetadataError } from '@metadata-service/core'
import { STATUS } from '../error-status.js'
import { MethodNotAllowedError } from '../_internal/method-not-allowed.js'
import { errorStyleOf } from '../_internal/paths.js'
import { PLAIN_TEXT, JSON_TYPE } from '../_internal/respond.js'
import type { AppContext, AppMiddleware } from '../_internal/state.js'
import { PRESERVED_HEADERS } from './request-context.js'

/** `Retry-After` (seconds) of a 503 whose error names none; matches the 5 s error cache of SMD-12. */
const DEFAULT_RETRY_AFTER_SECONDS = 5
/** SEC-6: the challenge sent with every 401. */
const BEARER_CHALLENGE = 'Bearer realm="metadata-service"'
/** RES-8: the versions a 406 lists. */
const SUPPORTED_VERSIONS = ['v1']

/**
 * The one place where errors become responses (STYLE 8, 9). A `MetadataError` answers with its STATUS and its
 * message (already the exact SPEC text): plain `message\n` on NoCloud and WireGuard routes, `{"error","code"}` on
 * the resource API. Every 503 carries `Retry-After` (`details.retryAfterSeconds`, else 5) and every 401 the SEC-6
 * `WWW-Authenticate` challenge. Anything else is a bug: `500 internal error`, with the cause in the log only.
 * Headers a failed route set are dropped.
 */
export function errorHandler(logger: Logger): AppMiddleware {
  return async (ctx, next) => {
    try {
      await next()
    } catch (err) {
      writeError(ctx, err, logger)
    }
  }
}

// --- internal ---

function writeError(ctx: AppContext, err: unknown, logger: Logger): void {
  for (const name of ctx.response.headers ? Object.keys(ctx.response.headers) : []) {
    if (!PRESERVED_HEADERS.has(name.toLowerCase())) ctx.remove(name)
  }
  ctx.state.settled = true
  if (err instanceof MethodNotAllowedError) {
    ctx.set('Allow', err.allow.join(', '))
    return write(ctx, 405, err.message)
  }
  if (!isMetadataError(err)) {
    logger.error('request failed', { reqId: ctx.state.reqId, error: describe(err) })
    return write(ctx, 500, 'internal error')
  }
  const status = STATUS[err.code]
  if (err.code === 'OVERLOADED') ctx.state.rejected = 'overload'
  else if (err.code === 'TIMEOUT') ctx.state.rejected = 'timeout'
  // 503s are outages a client retries (one per request during an SMD outage): warn; other 5xx are failures.
  if (status >= 500) {
    logger[status === 503 ? 'warn' : 'error']('request failed', { reqId: ctx.state.reqId, code: err.code, error: describe(err) })
  }
  if (status === 503) ctx.set('Retry-After', String(retryAfter(err)))
  if (status === 401) ctx.set('WWW-Authenticate', BEARER_CHALLENGE)
  if (err.code === 'UNSUPPORTED_VERSION' && errorStyleOf(ctx) === 'json') {
    const requested = String(err.details?.requested ?? '')
    return writeBody(ctx, status, JSON_TYPE, JSON.stringify({ error: err.message, code: status, requested, supported: SUPPORTED_VERSIONS }))
  }
  write(ctx, status, err.message)
}

function write(ctx: AppContext, status: number, message: string): void {
  if (errorStyleOf(ctx) === 'json') writeBody(ctx, status, JSON_TYPE, JSON.stringify({ error: message, code: status }))
  else writeBody(ctx, status, PLAIN_TEXT, `${message}\n`)
}

function writeBody(ctx: AppContext, status: number, type: string, body: string): void {
  ctx.status = status
  ctx.set('Content-Type', type)
  ctx.body = body
}

function retryAfter(err: MetadataError): number {
  const seconds = err.details?.retryAfterSeconds
  return typeof seconds === 'number' && Number.isInteger(seconds) && seconds > 0 ? seconds : DEFAULT_RETRY_AFTER_SECONDS
}

/** Message, stack and the cause chain, for the log only (never the client: STYLE 9). */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  const own = err.stack ?? `${err.name}: ${err.message}`
  return err.cause === undefined ? own : `${own}\ncaused by: ${describe(err.cause)}`
}
