// The one outbound request helper of adapter-smd, and the one place where SMD failures become MetadataErrors
// (STYLE 13). Every request has a deadline, follows no redirects (undici 7 follows none unless the redirect
// interceptor is installed, and we never install it) and verifies TLS (the agent's default) — SEC-5.
import { STATUS_CODES } from 'node:http'
import { request, type Dispatcher } from 'undici'
import { MetadataError } from '@metadata-service/core'

/** One outbound HTTP request. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST'
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
  /** Deadline for the whole exchange (headers and body), in milliseconds. */
  readonly timeoutMs: number
  /** undici dispatcher; default the global one. */
  readonly dispatcher?: Dispatcher | undefined
  /**
   * Largest body read, in bytes (issue 16: a 400 MB answer once took RSS to 1.5 GB). A body that announces or
   * reaches more is dropped with the connection, and reading it rejects with {@link BodyTooLargeError}. Default:
   * no cap.
   */
  readonly maxBodyBytes?: number | undefined
}

/** A response body over {@link HttpRequest.maxBodyBytes}; `limit` is that cap in bytes. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError'
  constructor(readonly limit: number) {
    super(`response body exceeds ${limit} bytes`)
  }
}

/** A complete answer, body read as text. */
export interface HttpReply {
  readonly status: number
  readonly contentType: string
  readonly text: string
}

/**
 * Sends `req` and reads the whole body. Any status resolves; a network failure or the deadline rejects with an
 * `Error` whose message reads well after a prefix (`connect ECONNREFUSED …`, `timeout after 10000 ms`); a body
 * over `req.maxBodyBytes` with {@link BodyTooLargeError}.
 */
export async function send(req: HttpRequest): Promise<HttpReply> {
  const res = await open(req)
  const text = await res.text()
  return { status: res.status, contentType: res.contentType, text }
}

/** An answer whose body is still to be read; every way of reading it rejects like {@link send}. */
export interface HttpResponse {
  readonly status: number
  readonly contentType: string
  /** The body as it arrives (SMD-7 bulk payloads are read in pieces, OPS-7). */
  chunks(): AsyncIterable<Uint8Array>
  /** The whole body as text (UTF-8, a leading BOM dropped). */
  text(): Promise<string>
  /** Reads and drops the body, so the connection can be reused. */
  dump(): Promise<void>
}

/**
 * Sends `req` and resolves once the status and headers are in; rejects like {@link send}, also when the
 * `Content-Length` already exceeds `req.maxBodyBytes`.
 */
export async function open(req: HttpRequest): Promise<HttpResponse> {
  const signal = AbortSignal.timeout(req.timeoutMs)
  const fail = (err: unknown): Error => new Error(transportMessage(err, req.timeoutMs), { cause: err })
  const { url, headers } = withUrlCredentials(req.url, req.headers)
  let res: Dispatcher.ResponseData
  try {
    res = await request(url, {
      method: req.method,
      headers,
      body: req.body ?? null,
      signal,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
      ...(req.dispatcher ? { dispatcher: req.dispatcher } : {}),
    })
  } catch (err) {
    throw fail(err)
  }
  const { body } = res
  const contentType = res.headers['content-type']
  const limit = req.maxBodyBytes
  const tooLarge = () => {
    // Nothing more of it is read: the connection goes, so undici does not drain the rest to reuse it.
    body.destroy()
    return new BodyTooLargeError(limit as number)
  }
  if (limit !== undefined && Number(res.headers['content-length'] ?? 0) > limit) throw tooLarge()
  async function* chunks(): AsyncGenerator<Uint8Array> {
    let bytes = 0
    try {
      for await (const chunk of body) {
        bytes += (chunk as Uint8Array).byteLength
        if (limit !== undefined && bytes > limit) throw tooLarge()
        yield chunk as Uint8Array
      }
    } catch (err) {
      throw err instanceof BodyTooLargeError ? err : fail(err)
    }
  }
  return {
    status: res.statusCode,
    contentType: typeof contentType === 'string' ? contentType : '',
    chunks,
    async text() {
      if (limit === undefined) return body.text().catch((err: unknown) => Promise.reject(fail(err)))
      const parts: Uint8Array[] = []
      for await (const chunk of chunks()) parts.push(chunk)
      // As undici's text(): UTF-8, a leading BOM dropped.
      return new TextDecoder().decode(Buffer.concat(parts))
    },
    dump: () => body.dump().catch((err: unknown) => Promise.reject(fail(err))),
  }
}

/**
 * The request as the Go service's client (net/http) sent it, so an `SMD_URL` or `tokensmith_url` with credentials
 * (`http://user:pass@smd:27779`) keeps working (SPEC §16 drop-in): they become `Authorization: Basic` of the
 * percent-decoded user and password unless the request already carries an `Authorization` header (a bearer token
 * wins, as in Go). The URL goes on without them; undici would drop them without a word.
 */
function withUrlCredentials(url: string, headers: Readonly<Record<string, string>>): { url: string; headers: Readonly<Record<string, string>> } {
  if (!url.includes('@')) return { url, headers }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return { url, headers }
  }
  if (parsed.username === '' && parsed.password === '') return { url, headers }
  const credentials = `${percentDecoded(parsed.username)}:${percentDecoded(parsed.password)}`
  parsed.username = ''
  parsed.password = ''
  if (Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) return { url: parsed.href, headers }
  return { url: parsed.href, headers: { ...headers, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } }
}

/** `text` percent-decoded, or as it is when it holds a `%` that is no escape. */
function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

function transportMessage(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; message?: string; cause?: { message?: string } }
  if (
    e.name === 'TimeoutError' ||
    e.code === 'UND_ERR_HEADERS_TIMEOUT' ||
    e.code === 'UND_ERR_BODY_TIMEOUT' ||
    e.code === 'UND_ERR_CONNECT_TIMEOUT'
  ) {
    return `timeout after ${timeoutMs} ms`
  }
  // undici wraps socket errors ("fetch failed"-style); the cause names the real problem.
  const message = e.message || String(err)
  return e.cause?.message && e.cause.message !== message ? `${message}: ${e.cause.message}` : message
}

/** The body trimmed to at most `max` characters, for error texts. */
export function excerpt(text: string, max = 200): string {
  const t = text.trim()
  return t.length > max ? t.slice(0, max) : t
}

/**
 * SMD-6: a non-2xx answer as `smd request failed: status <n>: <detail>`, where the detail is the problem+json
 * `detail`, else the trimmed body (≤200 chars), else the status text.
 */
export function smdStatusError(reply: HttpReply, path: string): MetadataError {
  const detail = problemDetail(reply.text) ?? (excerpt(reply.text) || STATUS_CODES[reply.status] || '')
  return new MetadataError('INVENTORY_UNAVAILABLE', `smd request failed: status ${reply.status}: ${detail}`, {
    details: { path, status: reply.status },
  })
}

/** A network failure or timeout talking to SMD. */
export function smdTransportError(err: unknown, path: string): MetadataError {
  const message = err instanceof Error ? err.message : String(err)
  return new MetadataError('INVENTORY_UNAVAILABLE', `smd request failed: ${message}`, { cause: err, details: { path } })
}

/** Parses an SMD JSON body; an empty or blank body reads as `null`. Bad JSON rejects with INVENTORY_UNAVAILABLE. */
export function smdJson(text: string, path: string): unknown {
  if (text.trim() === '') return null
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw smdSyntaxError(err, path)
  }
}

/** The SMD-6 error for a body that is not JSON; `err` is JSON.parse's SyntaxError. */
export function smdSyntaxError(err: unknown, path: string): MetadataError {
  return new MetadataError('INVENTORY_UNAVAILABLE', `invalid SMD response from ${path}: ${(err as Error).message}`, {
    cause: err,
  })
}

function problemDetail(text: string): string | undefined {
  if (!text.trimStart().startsWith('{')) return undefined
  try {
    const body = JSON.parse(text) as { detail?: unknown }
    return typeof body.detail === 'string' && body.detail !== '' ? excerpt(body.detail) : undefined
  } catch {
    return undefined
  }
}
