import { createEventParser, type ServerEvent } from './events.js'

// The page's calls to the service: same origin only. With `auth_jwks_url` the API needs a bearer token, which a
// page cannot get from a cookie here: the operator pastes one, and it stays in this tab's sessionStorage only.

const TOKEN_KEY = 'metadata-service.token'

/** An answer the page could not use, with its status (401: a token is needed, 403: not allowed). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

/** The bearer token of this tab, if one was entered. */
export function savedToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined
}

/** Keeps `token` for this tab (empty: forgets it). */
export function saveToken(token: string): void {
  if (token === '') sessionStorage.removeItem(TOKEN_KEY)
  else sessionStorage.setItem(TOKEN_KEY, token)
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const token = savedToken()
  return { accept: 'application/json', ...extra, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) }
}

/** GET or POST JSON; rejects with an ApiError carrying the server's `error` text. */
export async function requestJson(path: string, init: { method?: string; body?: unknown } = {}): Promise<unknown> {
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers: headers(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  })
  const text = await res.text()
  if (!res.ok) throw new ApiError(res.status, errorText(text) ?? `${res.status} ${res.statusText}`)
  return JSON.parse(text) as unknown
}

/**
 * Reads the server-sent events of `path` with `fetch` (not EventSource, which cannot send the Authorization
 * header), calling `onEvent` per event until the stream ends or `signal` aborts. Rejects with an ApiError for an
 * error answer.
 */
export async function readEvents(path: string, signal: AbortSignal, onEvent: (event: ServerEvent) => void): Promise<void> {
  const res = await fetch(path, { headers: headers({ accept: 'text/event-stream' }), signal })
  if (!res.ok || res.body === null) throw new ApiError(res.status, errorText(await res.text()) ?? `${res.status} ${res.statusText}`)
  const parse = createEventParser(onEvent)
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    parse(value)
  }
}

function errorText(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: unknown }
    return typeof parsed.error === 'string' ? parsed.error : undefined
  } catch {
    return body.trim() || undefined
  }
}
