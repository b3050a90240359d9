import type { AnyResource, ResourceOf } from '../domain/kinds.js'
import type { KindName } from '../domain/metadata.js'
import { nameConflict, preconditionFailed, resourceNotFound } from '../domain/resource-errors.js'
import { compareResourceOrder } from '../domain/resource-order.js'
import type { ResourceChange } from '../ports/resource-store.js'

/**
 * The in-memory half of a {@link ResourceStore}: the resources by kind and uid, the write checks of the port
 * (uid and name uniqueness with the RES-3 text, compare-and-swap with the RES-5 text, NOT_FOUND), the generation
 * counter and the change feed. Stores add durability around it: check, persist, then `apply`.
 * Values handed in to `apply` are owned by the table; everything handed out is a copy.
 */
export interface ResourceTable {
  list<K extends KindName>(kind: K): ResourceOf<K>[]
  get<K extends KindName>(kind: K, uid: string): ResourceOf<K> | undefined
  /** Throws CONFLICT when another resource of the kind holds the uid or the name. */
  checkCreate(resource: AnyResource): void
  /**
   * Throws NOT_FOUND, PRECONDITION_FAILED or CONFLICT (RES-3: also for one of two legacy duplicates) and returns a
   * copy of `resource` with resourceVersion `expectedVersion + 1`, ready to persist.
   */
  checkUpdate<K extends KindName>(resource: ResourceOf<K>, expectedVersion: string): ResourceOf<K>
  /** Throws NOT_FOUND or PRECONDITION_FAILED; returns the current resource (a copy). */
  checkDelete<K extends KindName>(kind: K, uid: string, expectedVersion?: string): ResourceOf<K>
  /** Records a durable change and publishes it to subscribers, in order. */
  apply(type: ResourceChange['type'], resource: AnyResource): void
  generation(): number
  subscribe(listener: (change: ResourceChange) => void): () => void
  /** Drops every subscriber (on close). */
  clearSubscribers(): void
}

/** Options of {@link createResourceTable}. */
export interface ResourceTableOptions {
  /** Loaded as-is, like files of earlier versions: duplicate names are allowed. Duplicate uids of a kind throw. */
  readonly seed?: readonly AnyResource[]
  /** Called when a subscriber throws; the write already happened, so it is reported, never undone. */
  readonly onListenerError?: (err: unknown, change: ResourceChange) => void
}

/** Creates an empty (or seeded) {@link ResourceTable}. */
export function createResourceTable(options: ResourceTableOptions = {}): ResourceTable {
  const byKind = new Map<KindName, Map<string, AnyResource>>()
  const kindMap = (kind: KindName) => {
    let map = byKind.get(kind)
    if (!map) byKind.set(kind, (map = new Map()))
    return map
  }
  for (const resource of options.seed ?? []) {
    const map = kindMap(resource.kind)
    if (map.has(resource.metadata.uid)) throw new Error(`seed holds ${resource.kind} ${resource.metadata.uid} twice`)
    map.set(resource.metadata.uid, structuredClone(resource))
  }
  let generation = 0
  const listeners = new Set<(change: ResourceChange) => void>()
  const onListenerError =
    options.onListenerError ??
    ((err: unknown) =>
      queueMicrotask(() => {
        throw err
      }))

  const existing = (kind: KindName, uid: string) => {
    const current = kindMap(kind).get(uid)
    if (!current) throw resourceNotFound(kind, uid)
    return current
  }
  const assertNameFree = ({ kind, metadata: { name, uid } }: AnyResource) => {
    for (const other of kindMap(kind).values()) {
      if (other.metadata.name === name && other.metadata.uid !== uid) throw nameConflict(kind, name, other.metadata.uid)
    }
  }

  return {
    list: <K extends KindName>(kind: K) =>
      [...kindMap(kind).values()].sort(compareResourceOrder).map((r) => structuredClone(r) as ResourceOf<K>),
    get<K extends KindName>(kind: K, uid: string) {
      const found = kindMap(kind).get(uid)
      return found && (structuredClone(found) as ResourceOf<K>)
    },
    checkCreate(resource) {
      assertNameFree(resource)
      const sameUid = kindMap(resource.kind).get(resource.metadata.uid)
      if (sameUid) throw nameConflict(resource.kind, sameUid.metadata.name, resource.metadata.uid)
    },
    checkUpdate<K extends KindName>(resource: ResourceOf<K>, expectedVersion: string) {
      const current = existing(resource.kind, resource.metadata.uid)
      if (current.metadata.resourceVersion !== expectedVersion) throw preconditionFailed(current.metadata.resourceVersion)
      assertNameFree(resource)
      const next = structuredClone(resource)
      next.metadata.resourceVersion = String(Number(expectedVersion) + 1)
      return next
    },
    checkDelete<K extends KindName>(kind: K, uid: string, expectedVersion?: string) {
      const current = existing(kind, uid)
      if (expectedVersion !== undefined && current.metadata.resourceVersion !== expectedVersion) {
        throw preconditionFailed(current.metadata.resourceVersion)
      }
      return structuredClone(current) as ResourceOf<K>
    },
    apply(type, resource) {
      if (type === 'deleted') kindMap(resource.kind).delete(resource.metadata.uid)
      else kindMap(resource.kind).set(resource.metadata.uid, resource)
      generation += 1
      const change: ResourceChange = { type, kind: resource.kind, uid: resource.metadata.uid, resource, generation }
      for (const listener of [...listeners]) {
        try {
          listener(structuredClone(change))
        } catch (err) {
          onListenerError(err, change)
        }
      }
    },
    generation: () => generation,
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    clearSubscribers: () => listeners.clear(),
  }
}
