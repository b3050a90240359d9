import type { AnyResource } from '../domain/kinds.js'
import { KIND_NAMES, type KindName } from '../domain/metadata.js'
import { isMetadataError } from '../errors.js'
import type { ResourceStore } from '../ports/resource-store.js'

/** What {@link copyResources} did to one kind. */
export interface KindCopyCounts {
  readonly kind: KindName
  created: number
  updated: number
  unchanged: number
  /** Resources the target refused (e.g. a legacy duplicate name, RES-3), with why. */
  readonly failed: string[]
}

/**
 * The use case behind `metadata-service migrate` (§16, issue 13): copies every resource of `from` into `to`, kind by
 * kind in `KIND_NAMES` order, idempotently: a uid missing in `to` is created as it is (uid, timestamps and status
 * kept); one that differs (resourceVersion aside, since the target counts its own) is updated over the target's
 * current version; an equal one is left alone. So running it twice changes nothing the second time. A resource the
 * target refuses with a `MetadataError` (a legacy duplicate name, RES-3) is listed in `failed` and the copy goes
 * on; a `STORAGE_FAILED` or any other error rejects.
 */
export async function copyResources(from: ResourceStore, to: ResourceStore): Promise<KindCopyCounts[]> {
  const report: KindCopyCounts[] = []
  for (const kind of KIND_NAMES) {
    const counts: KindCopyCounts = { kind, created: 0, updated: 0, unchanged: 0, failed: [] }
    report.push(counts)
    for (const resource of await from.list(kind)) {
      const uid = resource.metadata.uid
      try {
        const current = await to.get(kind, uid)
        if (current === undefined) {
          await to.create(resource)
          counts.created += 1
        } else if (sameContent(current, resource)) {
          counts.unchanged += 1
        } else {
          await to.update(resource, current.metadata.resourceVersion)
          counts.updated += 1
        }
      } catch (err) {
        if (!isMetadataError(err) || err.code === 'STORAGE_FAILED') throw err
        counts.failed.push(`${kind} ${uid}: ${err.message}`)
      }
    }
  }
  return report
}

// --- internal ---

function sameContent(a: AnyResource, b: AnyResource): boolean {
  const strip = (r: AnyResource) => JSON.stringify({ ...r, metadata: { ...r.metadata, resourceVersion: undefined } })
  return strip(a) === strip(b)
}
