import { MetadataError } from '@metadata-service/core'
import { ioErrorReason } from '@metadata-service/core/store'

/**
 * `MetadataError('STORAGE_FAILED', '<what>: <reason>')`. The reason is the error in words, without the socket
 * address Node puts in a network error (issue 16: clients see no server internals); with `where` (the redacted
 * database address) the cause names it for the log, which is where the address belongs.
 */
export function storageFailed(what: string, err: unknown, where?: string): MetadataError {
  if (err instanceof MetadataError) return err
  const reason = err instanceof Error ? ioErrorReason(err) || (err as { code?: string }).code || err.name : String(err)
  const cause = where === undefined ? err : new Error(`PostgreSQL at ${where}`, { cause: err })
  return new MetadataError('STORAGE_FAILED', `${what}: ${reason}`, { cause })
}

/** The constraint a unique violation (SQLSTATE 23505) broke, or undefined for any other error. */
export function uniqueViolation(err: unknown): string | undefined {
  const e = err as { code?: string; constraint?: string } | undefined
  return e?.code === '23505' ? (e.constraint ?? '') : undefined
}
