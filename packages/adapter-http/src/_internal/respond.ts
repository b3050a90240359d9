import type { AppContext } from './state.js'

/** Content type of plain-text errors (SPEC §0). */
export const PLAIN_TEXT = 'text/plain; charset=utf-8'
/** Content type of every JSON answer of the resource API and `/health`. */
export const JSON_TYPE = 'application/json'

/**
 * Writes a status, a content type, extra headers and a body. Does nothing once the request is settled (OPS-2: a
 * handler that finishes after its deadline must not touch the 503 already chosen).
 */
export function send(
  ctx: AppContext,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (ctx.state.settled) return
  ctx.status = status
  for (const [name, value] of Object.entries(headers)) ctx.set(name, value)
  // Set before the body, so Koa keeps our exact media type instead of guessing one.
  ctx.set('Content-Type', contentType)
  ctx.body = body
}

/** {@link send} for a JSON value (compact, `application/json`). */
export function sendJson(ctx: AppContext, status: number, value: unknown, headers?: Readonly<Record<string, string>>): void {
  send(ctx, status, JSON_TYPE, JSON.stringify(value), headers)
}
