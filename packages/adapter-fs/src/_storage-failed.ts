import { MetadataError } from '@metadata-service/core'

/** `MetadataError('STORAGE_FAILED', '<what>: <reason>')` keeping the fs error as `cause`. */
export function storageFailed(what: string, err: unknown): MetadataError {
  const reason = err instanceof Error ? err.message : String(err)
  return new MetadataError('STORAGE_FAILED', `${what}: ${reason}`, { cause: err })
}
