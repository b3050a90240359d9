import { MetadataError } from '../errors.js'
import type { KindName } from './metadata.js'

/** RES-8: `<Kind> not found: failed to load <Kind> <uid>: resource not found` (NOT_FOUND). */
export function resourceNotFound(kind: KindName, uid: string): MetadataError {
  return new MetadataError('NOT_FOUND', `${kind} not found: failed to load ${kind} ${uid}: resource not found`)
}

/** RES-3: `<Kind> named <name> already exists: <uid>` (CONFLICT), `uid` being the current holder. */
export function nameConflict(kind: KindName, name: string, holderUid: string): MetadataError {
  return new MetadataError('CONFLICT', `${kind} named ${name} already exists: ${holderUid}`)
}

/** RES-5: `precondition failed: current resourceVersion is <rv>` (PRECONDITION_FAILED). */
export function preconditionFailed(currentVersion: string): MetadataError {
  return new MetadataError('PRECONDITION_FAILED', `precondition failed: current resourceVersion is ${currentVersion}`)
}
