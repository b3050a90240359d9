import { cryptoRandom } from '../_internal/crypto-random.js'
import { KINDS, type ResourceOf } from '../domain/kinds.js'
import type { KindName, Metadata } from '../domain/metadata.js'
import { resourceNotFound } from '../resources/resource-errors.js'
import { MetadataError, isMetadataError } from '../errors.js'
import { systemClock, type Clock } from '../ports/clock.js'
import type { Inventory } from '../ports/inventory.js'
import type { Random } from '../ports/random.js'
import type { ResourceStore } from '../ports/resource-store.js'
import { parseIfMatch } from '../resources/if-match.js'
import { checkBodyDepth } from '../resources/json-depth.js'
import { applyJsonPatch } from '../resources/patch-json.js'
import { applyMergePatch } from '../resources/patch-merge.js'
import { applyShorthandPatch } from '../resources/patch-shorthand.js'
import { mergeStringMaps, parseWriteRequest, statusFromBody } from '../resources/request-body.js'
import { validateSpec, type SpecOf } from '../resources/validate-spec.js'
import { defaultStatus, validateStatus, type StatusOf } from '../resources/validate-status.js'
import { readForWrite, writeWithVersion } from '../resources/versioned-write.js'
import type { PatchFormat, ResourceService, WriteOptions } from './resource-api.js'
import { kindAdmissions, type KindAdmission } from './_kind-admission.js'
import { worstCaseOf } from './_worst-case.js'

/** What a {@link KindCheck} may consult. */
export interface KindCheckContext {
  /** The resource being written; `undefined` on create. */
  readonly uid: string | undefined
  readonly store: ResourceStore
}

/**
 * A kind-specific rule (WG-11) run after RES-9 (and, for Groups, TPL-4) pass, on every create, replace and patch.
 * Rejects with `MetadataError('VALIDATION_FAILED', 'validation failed: …')`; nothing is stored then.
 */
export type KindCheck<K extends KindName> = (spec: SpecOf<K>, ctx: KindCheckContext) => Promise<void>

/** Optional kind checks, by kind. */
export type KindChecks = Partial<{ [K in KindName]: KindCheck<K> }>

/** Dependencies of {@link createResourceService}. */
export interface ResourceServiceDeps {
  readonly store: ResourceStore
  /** Timestamps (`createdAt`, `updatedAt`, TPL-8 history). Default: the system clock. */
  readonly clock?: Clock
  /** UID suffixes. Default: node:crypto. */
  readonly random?: Random
  readonly kindChecks?: KindChecks
  /**
   * The cluster's inventory: Group templates are also rendered, on write, for the worst case it holds (SPEC §16
   * "Template cost"), and the network definitions of ClusterDefaults and InstanceInfo writes are checked against
   * its addresses (issue 14: an address outside its network's subnet is a 400). Absent: the TPL-6 sample only, and
   * only the definitions themselves.
   */
  readonly inventory?: Inventory
  /** `max_document_bytes`, the largest rendered group document in bytes. Default 1 MiB. */
  readonly maxDocumentBytes?: number
}

/** RES-3: the UID suffix is this many random bytes (8 hex). */
const UID_BYTES = 4
/** Fresh UIDs tried before giving up; a collision of 32 random bits is already improbable. */
const UID_ATTEMPTS = 8

/**
 * The resource API use cases (RES-1..RES-9) over a {@link ResourceStore}: validation (RES-9), Group template
 * validation and status (TPL-4, TPL-8), the optional kind checks, patches (RES-6), status writes (RES-7) and
 * `If-Match` compare-and-swap (RES-5). A rejected write stores nothing.
 *
 * Writes to an existing resource answer, first failing first: NOT_FOUND, PRECONDITION_FAILED (`If-Match`), then the
 * body (INVALID_BODY, UNSUPPORTED_VERSION, PATCH_FAILED, VALIDATION_FAILED: RES-9, then TPL-4 or the network
 * definitions of issue 14, then the kind check),
 * then the store's CONFLICT (RES-3 name taken).
 */
export function createResourceService(deps: ResourceServiceDeps): ResourceService {
  const { store } = deps
  const clock = deps.clock ?? systemClock
  const random = deps.random ?? cryptoRandom
  const nowIso = () => new Date(clock.now()).toISOString()
  const worstCase = deps.inventory === undefined ? undefined : worstCaseOf(deps.inventory, store)
  const admissions = kindAdmissions({ store, inventory: deps.inventory, worstCase, maxDocumentBytes: deps.maxDocumentBytes })

  /**
   * The kind's built-in admission (`_kind-admission.ts`: Group's template rules, TPL-4; the network definitions),
   * then the configured kind check, for a spec that passed RES-9; returns the spec to store (a Group's template
   * decoded) and the status to store with it.
   */
  async function admit<K extends KindName>(
    kind: K,
    spec: SpecOf<K>,
    target: { name: string; uid: string | undefined; previous: unknown; now: string },
  ): Promise<{ spec: SpecOf<K>; status: StatusOf<K> }> {
    let status = (target.previous as StatusOf<K> | undefined) ?? defaultStatus(kind)
    const builtIn = admissions[kind] as KindAdmission<K> | undefined
    if (builtIn !== undefined) ({ spec, status } = await builtIn(spec, status, target))
    const check = deps.kindChecks?.[kind] as KindCheck<K> | undefined
    if (check !== undefined) await check(spec, { uid: target.uid, store })
    return { spec, status }
  }

  /** The resource after a spec write (RES-4, RES-6): new spec and status, `updatedAt` = now. */
  async function withSpec<K extends KindName>(
    current: ResourceOf<K>,
    spec: SpecOf<K>,
    metadata: Partial<Pick<Metadata, 'name' | 'labels' | 'annotations'>> = {},
  ): Promise<ResourceOf<K>> {
    const now = nowIso()
    const name = metadata.name ?? current.metadata.name
    const previous = current.status
    const admitted = await admit<K>(current.kind as K, spec, { name, uid: current.metadata.uid, previous, now })
    const next = { ...current.metadata, ...metadata, name, updatedAt: now }
    return { ...current, metadata: dropUndefined(next), spec: admitted.spec, status: admitted.status } as ResourceOf<K>
  }

  async function createResource<K extends KindName>(kind: K, body: unknown): Promise<ResourceOf<K>> {
    const request = parseWriteRequest(kind, body, 'create')
    const name = request.name ?? ''
    const now = nowIso()
    const { spec, status } = await admit(kind, request.spec, { name, uid: undefined, previous: undefined, now })
    for (let attempt = 1; attempt <= UID_ATTEMPTS; attempt += 1) {
      const uid = KINDS[kind].uidPrefix + random.hex(UID_BYTES)
      if ((await store.get(kind, uid)) !== undefined) continue
      const metadata = dropUndefined({
        name,
        uid,
        labels: request.labels,
        annotations: request.annotations,
        createdAt: now,
        updatedAt: now,
        resourceVersion: '1',
      })
      const resource = { apiVersion: 'v1', kind, metadata, spec, status } as ResourceOf<K>
      try {
        return await store.create(resource)
      } catch (err) {
        // A CONFLICT is the name (RES-3) unless the uid was taken in the meantime; then draw another.
        if (!isMetadataError(err, 'CONFLICT') || (await store.get(kind, uid)) === undefined) throw err
      }
    }
    throw new MetadataError('INTERNAL', `could not allocate a unique ${kind} uid`)
  }

  return {
    async list(kind, filter = {}) {
      const all = await store.list(kind)
      return filter.name === undefined ? all : all.filter((r) => r.metadata.name === filter.name)
    },

    async get(kind, uid) {
      const found = await store.get(kind, uid)
      if (found === undefined) throw resourceNotFound(kind, uid)
      return found
    },

    create: createResource,

    replace(kind, uid, body, options: WriteOptions = {}) {
      return writeWithVersion(store, { kind, uid, ifMatch: options.ifMatch }, (current) => {
        const request = parseWriteRequest(kind, body, 'replace')
        return withSpec(current, request.spec, {
          name: request.name,
          labels: mergeStringMaps(current.metadata.labels, request.labels),
          annotations: mergeStringMaps(current.metadata.annotations, request.annotations),
        })
      })
    },

    patch(kind, uid, body, format: PatchFormat, options: WriteOptions = {}) {
      return writeWithVersion(store, { kind, uid, ifMatch: options.ifMatch }, (current) => {
        checkBodyDepth(body) // issue 16: before the recursive copy and merge of the patchers
        const patched = PATCHERS[format](current.spec, body)
        return withSpec(current, validateSpec(kind, patched))
      })
    },

    replaceStatus(kind, uid, body, options: WriteOptions = {}) {
      return writeWithVersion(store, { kind, uid, ifMatch: options.ifMatch }, async (current) => {
        // RES-7: status writes bump resourceVersion (the store does) but never updatedAt.
        return { ...current, status: validateStatus(kind, statusFromBody(body)) }
      })
    },

    patchStatus(kind, uid, body, options: WriteOptions = {}) {
      return writeWithVersion(store, { kind, uid, ifMatch: options.ifMatch }, async (current) => {
        const patched = applyMergePatch(current.status, statusFromBody(body))
        return { ...current, status: validateStatus(kind, patched) }
      })
    },

    async delete(kind, uid, options: WriteOptions = {}) {
      const wanted = parseIfMatch(options.ifMatch)
      if (wanted === undefined) return store.delete(kind, uid)
      const current = await readForWrite(store, kind, uid, wanted)
      return store.delete(kind, uid, current.metadata.resourceVersion)
    },
  }
}

/** RES-6: the spec patch of each format. */
const PATCHERS: Readonly<Record<PatchFormat, (spec: unknown, patch: unknown) => unknown>> = {
  merge: applyMergePatch,
  'json-patch': applyJsonPatch,
  shorthand: applyShorthandPatch,
}

/** Metadata without `undefined` members, so optional maps are absent rather than `undefined` in stored JSON. */
function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
