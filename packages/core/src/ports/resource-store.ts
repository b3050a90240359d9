import type { AnyResource, ResourceOf } from '../domain/kinds.js'
import type { KindName } from '../domain/metadata.js'
import type { SupersededGroup } from '../store/served-index.js'

/** One change published by a {@link ResourceStore} after it is durable (RES-10). */
export interface ResourceChange {
  readonly type: 'created' | 'updated' | 'deleted'
  readonly kind: KindName
  readonly uid: string
  /** The resource after the change; for `deleted`, the resource as it was. */
  readonly resource: AnyResource
  /** The store generation after this change. */
  readonly generation: number
}

/** A file or row that could not be loaded (STO-4). */
export interface StoreProblem {
  readonly kind: KindName
  /** File path or row key. */
  readonly location: string
  readonly reason: string
}

/**
 * Persists the four resource kinds. Implemented by `@metadata-service/adapter-fs` (JSON files) and, for tests,
 * by `createMemoryStore()` in `@metadata-service/core/testing`; both pass `describeResourceStore`.
 *
 * Values are copied on the way in and out: callers may mutate what they get without touching stored state.
 * Several resources with one name load (§16 RES-3): the latest by `createdAt`, then uid, is served and holds the
 * name (ClusterDefaults: one per cluster, whatever the names); the others come out with `status.supersededBy`.
 * Every write is durable before its promise resolves and before its change is published (RES-10).
 * Rejections are `MetadataError`s: `NOT_FOUND` (message from `resourceNotFound`), `CONFLICT`
 * (`nameConflict`), `PRECONDITION_FAILED` (`preconditionFailed`), `STORAGE_FAILED` (I/O; message says what failed,
 * in words, never a server path: issue 16). adapter-fs also rejects a write with CONFLICT when the resource's file
 * was changed on disk behind it (it never overwrites such a change).
 */
export interface ResourceStore {
  /** All resources of a kind, ordered by `createdAt` then `uid` (RES-1). */
  list<K extends KindName>(kind: K): Promise<ResourceOf<K>[]>
  /** The resource, or `undefined` when no resource of that kind has the uid. */
  get<K extends KindName>(kind: K, uid: string): Promise<ResourceOf<K> | undefined>
  /**
   * Stores a new resource exactly as given (the caller sets uid, timestamps and `resourceVersion` "1"), except
   * `status.supersededBy`, which is never stored. Rejects with CONFLICT when another resource of the kind holds the
   * uid or `metadata.name` (RES-3), or, for a ClusterDefaults, when the cluster has one already (§16).
   */
  create<K extends KindName>(resource: ResourceOf<K>): Promise<ResourceOf<K>>
  /**
   * Replaces the resource with the same kind and uid, atomically checking that its current resourceVersion equals
   * `expectedVersion`; stores it with resourceVersion `expectedVersion + 1` and returns what was stored.
   * Rejects with NOT_FOUND, PRECONDITION_FAILED (current version differs), or CONFLICT (another resource of the
   * kind serves the new name: also when a superseded resource keeps its name).
   */
  update<K extends KindName>(resource: ResourceOf<K>, expectedVersion: string): Promise<ResourceOf<K>>
  /**
   * Deletes and returns the resource. With `expectedVersion`, rejects with PRECONDITION_FAILED when it differs.
   * Rejects with NOT_FOUND when absent.
   */
  delete<K extends KindName>(kind: K, uid: string, expectedVersion?: string): Promise<ResourceOf<K>>
  /** A number that changes after every write; caches key on it. Starts at 0 or more. */
  generation(): number
  /** Calls `listener` after each durable change, in order. Returns an unsubscribe function. */
  subscribe(listener: (change: ResourceChange) => void): () => void
  /** Files or rows found unloadable at start (STO-4), for logs and metrics. */
  problems(): readonly StoreProblem[]
  /**
   * Names held by several resources of a kind (ClusterDefaults: several at all), as data dirs of the Go service
   * hold them (§16 RES-3): which one is served, which are superseded. Empty when every name is unique.
   */
  superseded(): readonly SupersededGroup[]
  /** Releases locks and handles. Further calls reject with STORAGE_FAILED. */
  close(): Promise<void>
}
