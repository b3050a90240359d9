import { ref, type SchemaObject } from './components.js'

/** An OpenAPI Response Object. */
export type ResponseObject = Record<string, unknown>
/** An OpenAPI Operation Object. */
export type OperationObject = Record<string, unknown>

const PLAIN = 'text/plain'
const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before retrying (OPS-3: 1–5; ID-4, OPS-2: 5).', schema: { type: 'integer' } },
}

/** A 2xx answer whose body is text of `mediaType`, with an optional exact example. */
export function textResponse(description: string, mediaType: string, example?: string): ResponseObject {
  return { description, content: { [mediaType]: { schema: { type: 'string' }, ...(example === undefined ? {} : { example }) } } }
}

/** A JSON answer of the given schema, with an optional example and headers. */
export function jsonResponse(
  description: string,
  schema: SchemaObject,
  extra: { example?: unknown; headers?: Record<string, unknown> } = {},
): ResponseObject {
  return {
    description,
    ...(extra.headers === undefined ? {} : { headers: extra.headers }),
    content: { 'application/json': { schema, ...(extra.example === undefined ? {} : { example: extra.example }) } },
  }
}

/** A plain-text error (SPEC §0: the message and a newline); 503s carry `Retry-After`. */
export function plainError(status: number, description: string, example: string): ResponseObject {
  return {
    description,
    ...(status === 503 ? { headers: RETRY_AFTER } : {}),
    content: { [PLAIN]: { schema: { type: 'string' }, example: `${example}\n` } },
  }
}

/** A JSON error of the resource API (`ErrorResponse`, RES-8); 503s carry `Retry-After`. */
export function jsonError(status: number, description: string, example: string): ResponseObject {
  return {
    description,
    ...(status === 503 ? { headers: RETRY_AFTER } : {}),
    ...(status === 401 ? { headers: { 'WWW-Authenticate': { schema: { type: 'string' }, example: 'Bearer realm="metadata-service"' } } } : {}),
    content: { 'application/json': { schema: ref('ErrorResponse'), example: { error: example, code: status } } },
  }
}

/** OPS-2/OPS-3: every non-SVC route may shed load or time out. */
export function overloaded(style: 'plain' | 'json'): ResponseObject {
  const describe = 'Overloaded (OPS-3 `service overloaded`) or past the deadline (OPS-2 `request timed out`).'
  return style === 'plain' ? plainError(503, describe, 'service overloaded') : jsonError(503, describe, 'service overloaded')
}
