import type { AnyResource, ResourceOf } from '../domain/kinds.js'
import type { KindName } from '../domain/metadata.js'

/** PATCH body formats (RES-6), chosen by the request's Content-Type. */
export type PatchFormat = 'merge' | 'json-patch' | 'shorthand'

/** Options common to writes. */
export interface WriteOptions {
  /** `If-Match` value as received: quoted, bare or `*` (RES-5). Absent: last write wins. */
  readonly ifMatch?: string
}

/**
 * The resource API use cases (RES-1..RES-9, TPL-4, TPL-8, WG-11). Bodies are already-parsed JSON values
 * (`unknown`); the service validates them. Rejections are `MetadataError`s with the exact SPEC messages:
 * VALIDATION_FAILED (`validation failed: …`), INVALID_BODY, NOT_FOUND, CONFLICT, PRECONDITION_FAILED,
 * PATCH_FAILED (`failed to apply patch to spec: …`), UNSUPPORTED_VERSION (details.requested), STORAGE_FAILED.
 */
export interface ResourceService {
  /** RES-1 list, ordered by createdAt then uid; `name` filters exactly. */
  list<K extends KindName>(kind: K, filter?: { readonly name?: string }): Promise<ResourceOf<K>[]>
  get<K extends KindName>(kind: K, uid: string): Promise<ResourceOf<K>>
  /** RES-3 create from `{metadata:{name}, spec, apiVersion?, kind?, labels?, annotations?}`. */
  create<K extends KindName>(kind: K, body: unknown): Promise<ResourceOf<K>>
  /** RES-4 replace the spec; merges labels/annotations; renames when metadata.name is non-empty. */
  replace<K extends KindName>(kind: K, uid: string, body: unknown, options?: WriteOptions): Promise<ResourceOf<K>>
  /** RES-6 patch the spec. */
  patch<K extends KindName>(
    kind: K,
    uid: string,
    body: unknown,
    format: PatchFormat,
    options?: WriteOptions,
  ): Promise<ResourceOf<K>>
  /** RES-7 replace status (`{"status":{…}}` or the bare object); does not touch updatedAt. */
  replaceStatus<K extends KindName>(kind: K, uid: string, body: unknown, options?: WriteOptions): Promise<ResourceOf<K>>
  /** RES-7 merge-patch status. */
  patchStatus<K extends KindName>(kind: K, uid: string, body: unknown, options?: WriteOptions): Promise<ResourceOf<K>>
  /** Deletes and returns the deleted resource. */
  delete<K extends KindName>(kind: K, uid: string, options?: WriteOptions): Promise<ResourceOf<K>>
}

/** Narrowing helper for code that handles resources generically. */
export type { AnyResource }
