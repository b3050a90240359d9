import { request, type Dispatcher } from 'undici'
import { CliError } from '../errors.js'
import type { ClientLog } from './client-log.js'
import { traceExchange } from './trace.js'

/** Options of {@link createApiClient}. */
export interface ApiClientOptions {
  /** Service base URL without a trailing `/`, e.g. `http://localhost:8080`. */
  readonly server: string
  /** Deadline per request, in milliseconds. */
  readonly timeoutMs: number
  /** Sent as `Authorization: Bearer <token>` (SEC-6); never printed (SEC-4). */
  readonly token?: string | undefined
  /** Sent as `Accept: application/json;version=<v>`, as the Go client's `--version` did (RES-8: not v1 → 406). */
  readonly apiVersion?: string | undefined
  /** Where `-v` and `-l debug` say what was sent and which server answered; silent when absent. */
  readonly log?: ClientLog | undefined
  /** undici dispatcher; the global one when absent. */
  readonly dispatcher?: Dispatcher
}

/** One request of a client command. */
export interface ApiRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Path and query, starting with `/`. */
  readonly path: string
  /** JSON-serialised when present. */
  readonly body?: unknown
  /** Defaults to `application/json` when there is a body. */
  readonly contentType?: string
  /** Sent as `If-Match` (RES-5). */
  readonly ifMatch?: string | undefined
}

/** A raw answer: status, headers (lower-case names) and body text. */
export interface ApiResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** The HTTP side of the client commands. */
export interface ApiClient {
  /** The base URL requests go to. */
  readonly server: string
  /** Sends the request and returns any answer. Rejects with `cannot reach <server>: <detail>` (exit 1, CLI-6). */
  send(req: ApiRequest): Promise<ApiResponse>
  /**
   * Sends the request and parses a 2xx JSON answer. A non-2xx answer rejects with
   * `API error (<status>): <error field>` when the body is a JSON error, else `HTTP error <status>: <body>` (CLI-6).
   */
  call(req: ApiRequest): Promise<unknown>
}

/** Creates the client used by the `health`, `render` and resource commands. No redirects are followed. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const send = async (req: ApiRequest): Promise<ApiResponse> => {
    const headers: Record<string, string> = {
      accept: options.apiVersion === undefined ? 'application/json' : `application/json;version=${options.apiVersion}`,
    }
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
    if (req.ifMatch !== undefined) headers['if-match'] = req.ifMatch
    if (req.body !== undefined) headers['content-type'] = req.contentType ?? 'application/json'
    const url = `${options.server}${req.path}`
    const trace = traceExchange(options.log, req.method, url, headers)
    try {
      const res = await request(url, {
        method: req.method,
        headers,
        ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
        signal: AbortSignal.timeout(options.timeoutMs),
        ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
      })
      const answer = { status: res.statusCode, headers: flatHeaders(res.headers), body: await res.body.text() }
      trace.answered(answer.status, answer.headers)
      return answer
    } catch (err) {
      trace.failed()
      throw new CliError(`cannot reach ${options.server}: ${describeNetworkError(err, options.timeoutMs)}`, undefined, {
        cause: err,
      })
    }
  }
  return {
    server: options.server,
    send,
    async call(req) {
      const res = await send(req)
      if (res.status >= 200 && res.status < 300) return res.body === '' ? undefined : parseJson(res)
      throw new CliError(describeHttpError(res))
    },
  }
}

/** CLI-6 text of a non-2xx answer (without the `Error: ` prefix). */
export function describeHttpError(res: Pick<ApiResponse, 'status' | 'body'>): string {
  try {
    const body = JSON.parse(res.body) as unknown
    if (typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string') {
      return `API error (${res.status}): ${(body as { error: string }).error}`
    }
  } catch {
    // not JSON: fall through to the raw body
  }
  return `HTTP error ${res.status}: ${res.body.trim()}`
}

// --- internal ---

function parseJson(res: ApiResponse): unknown {
  try {
    return JSON.parse(res.body) as unknown
  } catch {
    throw new CliError(`HTTP error ${res.status}: response is not JSON: ${res.body.trim().slice(0, 200)}`)
  }
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return flat
}

function describeNetworkError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return `no answer within ${timeoutMs / 1000} s`
  }
  if (err instanceof AggregateError && err.errors.length > 0) return describeNetworkError(err.errors[0], timeoutMs)
  return err instanceof Error ? err.message : String(err)
}
