/** Structured fields attached to a log entry. Never put secrets here (SEC-4). */
export type LogFields = Readonly<Record<string, unknown>>

/**
 * Structured logger. The CLI wires a JSON logger; `createRecordingLogger()` in `@metadata-service/core/testing`
 * records entries for assertions instead of printing.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
  /** A logger that adds `fields` to every entry. */
  child(fields: LogFields): Logger
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
}
