import { randomBytes } from 'node:crypto'

// OPS-5: an incoming id is reused only when it is safe to echo and to log.
const VALID_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/

// Generated ids are a per-process random prefix plus a counter: unique within the process, unlikely to collide
// across replicas, and far cheaper than a UUID per request on the boot-storm hot path (OPS-7).
const PREFIX = `${randomBytes(6).toString('hex')}-`
let counter = 0

/**
 * OPS-5: the request id of a request: `incoming` (the `X-Request-ID` header) when it is 1–128 characters of
 * `[A-Za-z0-9._-]`, else a new process-unique id. Absent or invalid `incoming` yields a new id.
 */
export function requestIdOf(incoming: string | undefined): string {
  if (incoming !== undefined && VALID_REQUEST_ID.test(incoming)) return incoming
  counter += 1
  return PREFIX + counter.toString(36)
}
