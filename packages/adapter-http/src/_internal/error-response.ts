import { isMetadataError, shownText, type Logger, type MetadataError } from '@metadata-service/core'
import { STATUS } from '../error-status.js'
import { MethodNotAllowedError } from './method-not-allowed.js'
import { PLAIN_TEXT, JSON_TYPE } from './respond.js'
import type { ErrorStyle } from './state.js'

/** `Retry-After` (seconds) of a 503 whose error names none; matches the 5 s error cache of SMD-12. */
const DEFAULT_RETRY_AFTER_SECONDS = 5
/** SEC-6: the challenge sent with every 401. */
const BEARER_CHALLENGE = 'Bearer realm="metadata-service"'
/** RES-8: the versions a 406 lists. */
const SUPPORTED_VERSIONS = ['v1']

/** The answer to a failed request, as both the Koa error handler and the NoCloud handler write it. */
export interface ErrorResponse {
  readonly status: number
  readonly contentType: string
  readonly body: string
  /** Extra headers (`Allow`, `Retry-After`, `WWW-Authenticate`), in the order they are set; usually empty. */
  readonly headers: ReadonlyArray<readonly [string, string]>
  /** OPS-2/OPS-3: set for the 503 of the deadline or the overload guard. */
  readonly rejected?: 'overload' | 'timeout'
}

/**
 * The one place where errors become responses (STYLE 8, 9). A `MetadataError` answers with its STATUS and its
 * message (already the exact SPEC text): plain `message\n` with `style` `plain`, `{"error","code"}` with `json`.
 * Every 503 carries `Retry-After` (`details.retryAfterSeconds`, else 5) and every 401 the SEC-6 `WWW-Authenticate`
 * challenge. Anything else is a bug: `500 internal error`, with the cause logged (with `reqId`) and never answered.
 * 5xx are logged through `logger` here (503 as warn). Messages can quote the client's own input (a group name from
 * the path, a key): control characters in them are written as `\uXXXX` in both styles (issue 16: `%00` put a NUL
 * into a plain-text body), and upstream failures quoting a URL show it without its password (SPEC §16 Secrets).
 */
export function errorResponse(err: unknown, style: ErrorStyle, reqId: string, logger: Logger): ErrorResponse {
  if (err instanceof MethodNotAllowedError) {
    return message(405, err.message, style, [['Allow', err.allow.join(', ')]])
  }
  if (!isMetadataError(err)) {
    logger.error('request failed', { reqId, error: describe(err, true) })
    return message(500, 'internal error', style, [])
  }
  const status = STATUS[err.code]
  const rejected = err.code === 'OVERLOADED' ? 'overload' : err.code === 'TIMEOUT' ? 'timeout' : undefined
  // 503s are outages a client retries (one per request during an SMD outage): warn; other 5xx are failures.
  if (status >= 500) {
    // A known failure: its messages say what happened, a stack would not (SPEC §16 Logs: no stacks in warn lines).
    logger[status === 503 ? 'warn' : 'error']('request failed', { reqId, code: err.code, error: describe(err, false) })
  }
  const headers: Array<readonly [string, string]> = []
  if (status === 503) headers.push(['Retry-After', String(retryAfter(err))])
  if (status === 401) headers.push(['WWW-Authenticate', BEARER_CHALLENGE])
  const response =
    err.code === 'UNSUPPORTED_VERSION' && style === 'json'
      ? {
          status,
          contentType: JSON_TYPE,
          body: JSON.stringify({
            error: shownText(err.message),
            code: status,
            requested: shownText(String(err.details?.requested ?? '')),
            supported: SUPPORTED_VERSIONS,
          }),
          headers,
        }
      : message(status, err.message, style, headers)
  return rejected === undefined ? response : { ...response, rejected }
}

// --- internal ---

function message(status: number, raw: string, style: ErrorStyle, headers: ErrorResponse['headers']): ErrorResponse {
  const text = shownText(raw)
  return style === 'json'
    ? { status, contentType: JSON_TYPE, body: JSON.stringify({ error: text, code: status }), headers }
    : { status, contentType: PLAIN_TEXT, body: `${text}\n`, headers }
}

function retryAfter(err: MetadataError): number {
  const seconds = err.details?.retryAfterSeconds
  return typeof seconds === 'number' && Number.isInteger(seconds) && seconds > 0 ? seconds : DEFAULT_RETRY_AFTER_SECONDS
}

/** Message (with its stack for an internal error) and the cause chain, for the log only (never the client: STYLE 9). */
function describe(err: unknown, stack: boolean): string {
  if (!(err instanceof Error)) return String(err)
  const own = (stack ? err.stack : undefined) ?? `${err.name}: ${err.message}`
  return err.cause === undefined ? own : `${own}\ncaused by: ${describe(err.cause, stack)}`
}
