import type { ResourceOf } from '../domain/kinds.js'
import type { KindName } from '../domain/metadata.js'
import { preconditionFailed, resourceNotFound } from './resource-errors.js'
import { isMetadataError } from '../errors.js'
import type { ResourceStore } from '../ports/resource-store.js'
import { parseIfMatch } from './if-match.js'

/**
 * How many read-compute-write rounds a write without `If-Match` makes before giving up. Each losing round means
 * another writer succeeded, so this bounds the wait under heavy contention on one resource.
 */
const MAX_ROUNDS = 64

/**
 * RES-5 compare-and-swap around one write of an existing resource: reads it (NOT_FOUND via `resourceNotFound`),
 * checks `If-Match` (PRECONDITION_FAILED via `preconditionFailed(current)`), computes the next resource and stores
 * it with `store.update(next, readVersion)`, so check-and-write is atomic in the store.
 *
 * With a concrete `If-Match` a concurrent writer makes the store answer PRECONDITION_FAILED, which is passed on.
 * Without one (absent, blank or `*`) the last write wins: a round lost to a concurrent writer is retried from a
 * fresh read, so such clients never see 412. `compute` may throw (validation); nothing is stored then.
 */
export async function writeWithVersion<K extends KindName>(
  store: ResourceStore,
  target: { readonly kind: K; readonly uid: string; readonly ifMatch: string | undefined },
  compute: (current: ResourceOf<K>) => Promise<ResourceOf<K>>,
): Promise<ResourceOf<K>> {
  const wanted = parseIfMatch(target.ifMatch)
  for (let round = 1; ; round += 1) {
    const current = await readForWrite(store, target.kind, target.uid, wanted)
    const next = await compute(current)
    try {
      return await store.update(next, current.metadata.resourceVersion)
    } catch (err) {
      const lostRace = isMetadataError(err, 'PRECONDITION_FAILED') && wanted === undefined
      if (!lostRace || round >= MAX_ROUNDS) throw err
    }
  }
}

/**
 * The current resource, after checking `wanted` (parsed `If-Match`; `undefined` = any version).
 * Rejects with NOT_FOUND or PRECONDITION_FAILED with the SPEC texts.
 */
export async function readForWrite<K extends KindName>(
  store: ResourceStore,
  kind: K,
  uid: string,
  wanted: readonly string[] | undefined,
): Promise<ResourceOf<K>> {
  const current = await store.get(kind, uid)
  if (current === undefined) throw resourceNotFound(kind, uid)
  const version = current.metadata.resourceVersion
  if (wanted !== undefined && !wanted.includes(version)) throw preconditionFailed(version)
  return current
}
