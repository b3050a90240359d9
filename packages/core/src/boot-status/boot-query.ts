import { MetadataError } from '../errors.js'
import { parseDurationMs } from '../text/duration.js'
import { BOOT_STATES, type BootState } from './boot-states.js'

/** What `GET /boot-status` lists (BOOT). Every field is optional; absent ones do not filter. */
export interface BootQuery {
  /** Nodes in one of these states. */
  readonly states?: readonly BootState[]
  /** Nodes with this group label. Must be a known group (an inventory label or a stored Group). */
  readonly group?: string
  /** Nodes that entered their current state at or after this time, Unix ms. */
  readonly since?: number
  /** … and at or before this time, Unix ms. */
  readonly until?: number
  /** At most this many nodes (in xname order); default {@link DEFAULT_BOOT_QUERY_LIMIT}. */
  readonly limit?: number
}

/** Nodes listed when `limit` is not given. */
export const DEFAULT_BOOT_QUERY_LIMIT = 1000
/** The largest `limit` accepted. */
export const MAX_BOOT_QUERY_LIMIT = 100_000

/** The query parameters of `GET /boot-status`, as a query string gives them. */
export type RawQuery = Readonly<Record<string, string | readonly string[] | undefined>>

/** The parameters of `GET /boot-status`. */
export const BOOT_QUERY_PARAMETERS = ['state', 'group', 'since', 'until', 'limit'] as const
/** One of {@link BOOT_QUERY_PARAMETERS}. */
export type BootQueryParameter = (typeof BOOT_QUERY_PARAMETERS)[number]

// RFC 3339 date-time (offset required), so `Date.parse` never guesses a local time zone.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/

/**
 * Parses the query of `GET /boot-status` (BOOT): `state` (comma-separated, or repeated), `group`, `since`,
 * `until` (an RFC 3339 time, or a duration before `now`: `90s`, `15m`, `2h`, `1d`) and `limit` (0–100,000).
 * Rejects with `MetadataError('VALIDATION_FAILED')` naming the parameter: an unknown parameter, an unknown state,
 * an unreadable time or limit, a parameter given twice, or `since` after `until`. Group names are checked by the
 * record, which knows them. `parameters` narrows what is accepted (`/boot-status/events` takes `group` only).
 */
export function parseBootQuery(raw: RawQuery, now: number, parameters: readonly BootQueryParameter[] = BOOT_QUERY_PARAMETERS): BootQuery {
  const unknown = Object.keys(raw).filter((key) => !(parameters as readonly string[]).includes(key)).sort()
  if (unknown.length > 0) {
    throw invalidQuery(`unknown query parameter ${unknown.map((key) => JSON.stringify(key)).join(', ')} (expected ${parameters.join(', ')})`)
  }
  const query: { -readonly [K in keyof BootQuery]: BootQuery[K] } = {}
  const states = listOf(raw.state)
  if (states !== undefined) query.states = states.map(parseState)
  const group = single(raw, 'group')
  if (group !== undefined) {
    if (group === '') throw invalidQuery('invalid query parameter group: must not be empty')
    query.group = group
  }
  const since = single(raw, 'since')
  if (since !== undefined) query.since = parseTime('since', since, now)
  const until = single(raw, 'until')
  if (until !== undefined) query.until = parseTime('until', until, now)
  if (query.since !== undefined && query.until !== undefined && query.since > query.until) {
    throw invalidQuery(`invalid query parameters since and until: since (${since}) is after until (${until})`)
  }
  const limit = single(raw, 'limit')
  if (limit !== undefined) {
    const value = /^\d+$/.test(limit) ? Number(limit) : Number.NaN
    if (!(value <= MAX_BOOT_QUERY_LIMIT)) {
      throw invalidQuery(`invalid query parameter limit: ${JSON.stringify(limit)} (expected an integer from 0 to ${MAX_BOOT_QUERY_LIMIT})`)
    }
    query.limit = value
  }
  return query
}

/** Parses a `since`/`until` value (see {@link parseBootQuery}) for `name`; Unix ms. */
export function parseTime(name: string, value: string, now: number): number {
  const duration = parseDurationMs(value)
  if (duration !== undefined) return now - duration
  const at = RFC3339.test(value) ? Date.parse(value) : Number.NaN
  if (Number.isNaN(at)) {
    throw invalidQuery(
      `invalid query parameter ${name}: ${JSON.stringify(value)} (expected an RFC 3339 time such as 2026-12-01T10:00:00Z, or a duration ago such as 15m)`,
    )
  }
  return at
}

/** A 400 for a bad query parameter (`VALIDATION_FAILED`). */
export function invalidQuery(message: string): MetadataError {
  return new MetadataError('VALIDATION_FAILED', message)
}

// --- internal ---

function listOf(value: string | readonly string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined
  return (typeof value === 'string' ? [value] : value).flatMap((item) => item.split(',')).map((item) => item.trim())
}

function parseState(value: string): BootState {
  if ((BOOT_STATES as readonly string[]).includes(value)) return value as BootState
  throw invalidQuery(`invalid query parameter state: ${JSON.stringify(value)} (expected one of ${BOOT_STATES.join(', ')})`)
}

function single(raw: RawQuery, name: BootQueryParameter): string | undefined {
  const value = raw[name]
  if (value === undefined || typeof value === 'string') return value
  if (value.length === 1) return value[0]
  throw invalidQuery(`invalid query parameter ${name}: given ${value.length} times (expected once)`)
}
