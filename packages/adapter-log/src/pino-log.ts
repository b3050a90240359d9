import { hostname } from 'node:os'
import { pino, type Logger as Pino } from 'pino'
import type { Clock, LogFields, Logger } from '@metadata-service/core'
import { logDestination } from './log-destination.js'
import { SECRET_FIELDS } from './secret-fields.js'

/** Log levels in increasing severity. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** Options of {@link createServeLog}. */
export interface ServeLogOptions {
  /** Entries below this level are dropped. */
  readonly level: LogLevel
  /** `json`: pino's line shape (SPEC §16 Logs); `pretty`: the same entries through pino-pretty, for people. */
  readonly format: 'json' | 'pretty'
  readonly clock: Clock
  /** Receives the lines of each event-loop turn as one chunk, newlines included (stdout in `serve`). */
  readonly write: (chunk: string) => void
  /**
   * Largest chunk, bytes; default 64 KiB. Processes of `--workers` sharing one pipe pass `PIPE_ATOMIC_BYTES`
   * (line-batcher.ts), the size up to which the kernel never interleaves two writers' chunks; chunks always end at
   * a line end (unless one line is longer).
   */
  readonly maxWriteBytes?: number
  /** `pid` and `hostname` of every line; default this process's. */
  readonly pid?: number
  readonly hostname?: string
}

/** The logger of `serve` and how to finish it. */
export interface ServeLog {
  readonly logger: Logger
  /** Hands on every queued line; call at shutdown. */
  close(): Promise<void>
}

/**
 * The Logger port on pino (SPEC §16 Logs, OPS-5): one JSON object per line, `{"level":30,"time":<epoch ms>,
 * "pid","hostname",…fields,"msg"}`, which pino-pretty and log shippers read as they are. The lines of one
 * event-loop turn go out in one write (log-destination.ts; `npm run bench -- --loggers …` compares this with pino's
 * own asynchronous destination and with the hand-written logger it replaced). Secret-named fields show as `***`;
 * an `Error` value is reduced to its name, message, code and cause, with its stack only at debug level (internal
 * errors that need their stack pass it as text, adapter-http `request failed`).
 */
export function createServeLog(options: ServeLogOptions): ServeLog {
  const destination = logDestination(options)
  const root = pino(
    {
      level: options.level,
      base: { pid: options.pid ?? process.pid, hostname: options.hostname ?? hostname() },
      timestamp: () => `,"time":${options.clock.now()}`,
      // Errors are reduced by `clean` (no stack below debug); pino's own `err` serializer would add one back.
      serializers: { err: (value: unknown) => value },
    },
    destination,
  )
  return { logger: wrap(root, LOG_LEVELS.indexOf(options.level), options.level === 'debug'), close: () => destination.close() }
}

// --- internal ---

/** The port's `(msg, fields)` over pino's `(fields, msg)`; levels below the threshold are no-ops. */
function wrap(p: Pino, threshold: number, stacks: boolean): Logger {
  const at = (level: LogLevel): ((msg: string, fields?: LogFields) => void) => {
    if (LOG_LEVELS.indexOf(level) < threshold) return () => {}
    // Runs once per request (OPS-5) in a boot storm: no copy of the fields unless one needs masking (OPS-7).
    return (msg, fields) => (fields === undefined ? p[level](msg) : p[level](clean(fields, stacks), msg))
  }
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => wrap(p.child(clean(fields, stacks)), threshold, stacks),
  }
}

/** `fields` with secrets masked and errors reduced; the same object when nothing needs either. */
function clean(fields: LogFields, stacks: boolean): LogFields {
  let out: Record<string, unknown> | undefined
  for (const key in fields) {
    const value = fields[key]
    const secret = SECRET_FIELDS.has(key) && value !== '' && value !== undefined
    if (!secret && !(value instanceof Error)) continue
    out ??= { ...fields }
    out[key] = secret ? '***' : plain(value as Error, stacks)
  }
  return out ?? fields
}

function plain(value: Error, stacks: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { name: value.name, message: value.message }
  const code = (value as { code?: unknown }).code
  if (code !== undefined) out.code = code
  if (value.cause !== undefined) out.cause = value.cause instanceof Error ? plain(value.cause, stacks) : value.cause
  if (stacks && value.stack !== undefined) out.stack = value.stack
  return out
}
