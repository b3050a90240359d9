import { shownText, type Clock, type LogFields, type Logger } from '@metadata-service/core'

/** Log levels in increasing severity. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Entries below this level are dropped. */
  readonly level: LogLevel
  /** `json`: one JSON object per line (OPS-5); `pretty`: `time LEVEL message key=value…` for people. */
  readonly format: 'json' | 'pretty'
  /** Receives each finished line, newline included (stdout in `serve`). */
  readonly write: (line: string) => void
  readonly clock: Clock
}

/** Field names whose values are always masked, whatever logs them (SEC-4). */
const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'authorization',
  'token',
  'access_token',
  'refresh_token',
  'accessToken',
  'refreshToken',
  'privateKey',
  'private_key',
  'smd_jwt',
  'smd_token',
  'tokensmith_bootstrap_token',
  'bootstrapToken',
])

/**
 * The Logger port for the executable. Each entry is `{"time","level","msg",…fields}`; an `Error` value is reduced
 * to its name, message and code (stacks only at debug level), and secret-named fields show as `***`. Every line
 * shows URLs without credentials and no raw control character (`shownText`: SPEC §16, issue 16).
 */
export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level)
  const time = isoTime(options.clock)
  // Runs once per request (OPS-5) in a boot storm: plain loops, no merged copies of the fields (OPS-7).
  const copy = (entry: Record<string, unknown>, fields: LogFields) => {
    for (const key in fields) {
      const value = fields[key]
      entry[key] = SECRET_FIELDS.has(key) && value !== '' && value !== undefined ? '***' : plain(value, options.level)
    }
  }
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (LOG_LEVELS.indexOf(level) < threshold) return
    const entry: Record<string, unknown> = { time: time(), level, msg }
    copy(entry, bound)
    if (fields !== undefined) copy(entry, fields)
    options.write(`${shownText(options.format === 'json' ? JSON.stringify(entry) : pretty(entry))}\n`)
  }
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  }
}

// --- internal ---

/** ISO-8601 time of `clock`, formatted once per millisecond (many lines share one in a storm). */
function isoTime(clock: Clock): () => string {
  let last = Number.NaN
  let text = ''
  return () => {
    const now = clock.now()
    if (now !== last) {
      last = now
      text = new Date(now).toISOString()
    }
    return text
  }
}

function plain(value: unknown, level: LogLevel): unknown {
  if (!(value instanceof Error)) return value
  const out: Record<string, unknown> = { name: value.name, message: value.message }
  const code = (value as { code?: unknown }).code
  if (code !== undefined) out.code = code
  if (value.cause !== undefined) out.cause = plain(value.cause, level)
  if (level === 'debug' && value.stack !== undefined) out.stack = value.stack
  return out
}

function pretty(entry: Record<string, unknown>): string {
  const { time, level, msg, ...rest } = entry
  const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
  return `${String(time)} ${String(level).toUpperCase().padEnd(5)} ${String(msg)}${fields.length ? ` ${fields.join(' ')}` : ''}`
}
