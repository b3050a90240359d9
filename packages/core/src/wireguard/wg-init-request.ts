import { MetadataError } from '../errors.js'
import { jsonTextTooDeep, MAX_JSON_DEPTH } from '../resources/json-depth.js'
import { checkWireGuardKey } from './keys.js'

/** WG-4 `invalid request`: the body is not a JSON object with an optional string `public_key`. */
export const INVALID_REQUEST_MESSAGE = 'invalid request'

/**
 * WG-4: reads the `/wg-init` body and returns the normalised public key. `body` is the raw body (a string or bytes,
 * parsed as JSON whatever the Content-Type) or an already-parsed JSON value.
 *
 * Like the Go decoder of earlier releases: anything but a JSON object (or `null`) is `invalid request`
 * (INVALID_BODY), as is a `public_key` that is not a string; a missing, null or blank key is
 * `public_key is required`, then `public_key must be valid base64`, `public_key must decode to 32 bytes`
 * (VALIDATION_FAILED). Messages are exact, without a prefix.
 */
export function parseWgInitRequest(body: unknown): string {
  const value = typeof body === 'string' || body instanceof Uint8Array ? parseJson(body) : body
  if (value !== null && (typeof value !== 'object' || Array.isArray(value))) throw invalidRequest()
  const key = value === null ? undefined : (value as Record<string, unknown>).public_key
  if (key !== undefined && key !== null && typeof key !== 'string') throw invalidRequest()
  const check = checkWireGuardKey(typeof key === 'string' ? key : '')
  if (!check.ok) throw new MetadataError('VALIDATION_FAILED', check.message)
  return check.key
}

// --- internal ---

function parseJson(raw: string | Uint8Array): unknown {
  const text = typeof raw === 'string' ? raw : new TextDecoder().decode(raw)
  if (jsonTextTooDeep(text)) {
    throw new MetadataError('INVALID_BODY', `${INVALID_REQUEST_MESSAGE}: JSON nested deeper than ${MAX_JSON_DEPTH} levels`)
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw invalidRequest(err)
  }
}

function invalidRequest(cause?: unknown): MetadataError {
  return new MetadataError('INVALID_BODY', INVALID_REQUEST_MESSAGE, cause === undefined ? {} : { cause })
}
