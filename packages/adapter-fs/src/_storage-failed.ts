import { MetadataError } from '@metadata-service/core'
import { ioErrorReason } from '@metadata-service/core/store'

/**
 * `MetadataError('STORAGE_FAILED', '<what>: <reason>')` keeping the fs error as `cause`. The reason is the error in
 * words without the path Node puts in it (issue 16: clients get no server paths); the cause, path included, goes to
 * the log. `what` names the resource for errors a client sees (`cannot write Group group-1a2b3c4d`).
 */
export function storageFailed(what: string, err: unknown): MetadataError {
  return new MetadataError('STORAGE_FAILED', `${what}: ${ioErrorReason(err)}`, { cause: err })
}
