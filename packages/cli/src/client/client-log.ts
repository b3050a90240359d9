/** How much the client commands say on stderr (`-l/--log-level`; `-v` is `info`). */
export const CLIENT_LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const
export type ClientLogLevel = (typeof CLIENT_LOG_LEVELS)[number]

/**
 * The client's diagnostics on stderr, apart from results (stdout) and the final `Error:` line (CLI-6). Lines follow
 * curl's `-v`: `* ` for what the client decided, `> ` for what it sent, `< ` for what came back.
 */
export interface ClientLog {
  readonly level: ClientLogLevel
  /** True when lines of `level` are printed. */
  enabled(level: ClientLogLevel): boolean
  /** `Warning: <text>` unless the level is `error`. */
  warn(text: string): void
  /** `text` as given, at `-v` and above. */
  info(text: string): void
  /** `text` as given, at `-l debug`. */
  debug(text: string): void
}

/** A ClientLog printing lines at or above `level` through `write` (stderr). */
export function createClientLog(level: ClientLogLevel, write: (text: string) => void): ClientLog {
  const rank = CLIENT_LOG_LEVELS.indexOf(level)
  const enabled = (at: ClientLogLevel) => CLIENT_LOG_LEVELS.indexOf(at) <= rank
  const line = (at: ClientLogLevel, text: string) => {
    if (enabled(at)) write(`${text}\n`)
  }
  return {
    level,
    enabled,
    warn: (text) => line('warn', `Warning: ${text}`),
    info: (text) => line('info', text),
    debug: (text) => line('debug', text),
  }
}

/**
 * Parses a `-l` value: the four levels, plus the Go client's `warning` and `trace` (as `debug`). Returns
 * `undefined` for anything else.
 */
export function parseClientLogLevel(value: string): ClientLogLevel | undefined {
  const lower = value.trim().toLowerCase()
  if (lower === 'warning') return 'warn'
  if (lower === 'trace') return 'debug'
  return (CLIENT_LOG_LEVELS as readonly string[]).includes(lower) ? (lower as ClientLogLevel) : undefined
}
