import type { LogFields, Logger } from '../ports/logger.js'

/** Severity of a recorded entry. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** One recorded log call; `fields` merges the child fields and the call's own (the call wins). */
export interface LogEntry {
  readonly level: LogLevel
  readonly message: string
  readonly fields: Readonly<Record<string, unknown>>
}

/** A {@link Logger} that records instead of printing. */
export interface RecordingLogger extends Logger {
  /** Every entry, in call order, from this logger and all its children. */
  readonly entries: LogEntry[]
}

/**
 * A logger for tests: entries go to `entries` (shared with every `child()`), nothing is printed, so the console
 * guard of `vitest.setup.ts` stays quiet and tests can assert on what was logged.
 */
export function createRecordingLogger(): RecordingLogger {
  const entries: LogEntry[] = []
  const make = (base: LogFields): Logger => {
    const record = (level: LogLevel) => (message: string, fields?: LogFields) => {
      entries.push({ level, message, fields: { ...base, ...fields } })
    }
    return {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
      child: (fields) => make({ ...base, ...fields }),
    }
  }
  return Object.assign(make({}), { entries })
}
