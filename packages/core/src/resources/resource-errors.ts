import { MetadataError } from '../errors.js'
import { KINDS } from '../domain/kinds.js'
import type { KindName } from '../domain/metadata.js'

/** RES-8: `<Kind> not found: failed to load <Kind> <uid>: resource not found` (NOT_FOUND). */
export function resourceNotFound(kind: KindName, uid: string): MetadataError {
  return new MetadataError('NOT_FOUND', `${kind} not found: failed to load ${kind} ${uid}: resource not found`)
}

/**
 * RES-3: `<Kind> named <name> already exists: <uid>; to change it, update that one: …` (CONFLICT), `uid` being the
 * current holder. The tail names the update command and route, because the Go service accepted a second create
 * with the same name (deliberate difference, §16: it explains itself where it bites).
 */
export function nameConflict(kind: KindName, name: string, holderUid: string): MetadataError {
  return new MetadataError('CONFLICT', `${kind} named ${name} already exists: ${holderUid}; ${updateHint(kind, holderUid)}`)
}

/**
 * §16 ClusterDefaults is one per cluster: `ClusterDefaults is one per cluster and <uid> (named <name>) exists; to
 * change it, update that one: …` (CONFLICT), for a create (or rename of a superseded one) under another name.
 */
export function clusterDefaultsConflict(holder: { readonly name: string; readonly uid: string }): MetadataError {
  return new MetadataError(
    'CONFLICT',
    `ClusterDefaults is one per cluster and ${holder.uid} (named ${holder.name}) exists; ${updateHint('ClusterDefaults', holder.uid)}`,
  )
}

/** RES-5: `precondition failed: current resourceVersion is <rv>` (PRECONDITION_FAILED). */
export function preconditionFailed(currentVersion: string): MetadataError {
  return new MetadataError('PRECONDITION_FAILED', `precondition failed: current resourceVersion is ${currentVersion}`)
}

// --- internal ---

function updateHint(kind: KindName, uid: string): string {
  return `to change it, update that one: metadata-service ${kind.toLowerCase()} update ${uid} (PUT /${KINDS[kind].collection}/${uid})`
}
