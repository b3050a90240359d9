import { MetadataError } from '@metadata-service/core'

/** `MetadataError('STORAGE_FAILED', '<what>: <reason>')` keeping the pg error as `cause`. */
export function storageFailed(what: string, err: unknown): MetadataError {
  if (err instanceof MetadataError) return err
  const reason = err instanceof Error ? err.message || (err as { code?: string }).code || err.name : String(err)
  return new MetadataError('STORAGE_FAILED', `${what}: ${reason}`, { cause: err })
}

/** The constraint a unique violation (SQLSTATE 23505) broke, or undefined for any other error. */
export function uniqueViolation(err: unknown): string | undefined {
  const e = err as { code?: string; constraint?: string } | undefined
  return e?.code === '23505' ? (e.constraint ?? '') : undefined
}
