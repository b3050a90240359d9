import type { AnyResource, ResourceOf } from '../domain/kinds.js'
import type { KindName } from '../domain/metadata.js'
import { clusterDefaultsConflict, nameConflict, preconditionFailed, resourceNotFound } from '../resources/resource-errors.js'
import { compareResourceOrder } from '../resources/resource-order.js'
import type { ResourceChange } from '../ports/resource-store.js'
import { createServedIndex, type SupersededGroup } from './served-index.js'

/**
 * The in-memory half of a {@link ResourceStore}: the resources by kind and uid, the write checks of the port
 * (uid and name uniqueness with the RES-3 text, one ClusterDefaults per cluster, compare-and-swap with the RES-5
 * text, NOT_FOUND), the generation counter and the change feed. Stores add durability around it: check, persist,
 * then `apply`. Values handed in to `apply` are owned by the table; everything handed out is a copy.
 *
 * Several resources of a kind with one name (data dirs of the Go service, which kept every version as its own
 * file; §16 RES-3) all load: the latest by `createdAt`, then uid, is served and holds the name; every copy handed
 * out of the others carries `status.supersededBy: <served uid>` (never stored: the write checks strip it).
 * ClusterDefaults compete whatever their names (one per cluster).
 */
export interface ResourceTable {
  list<K extends KindName>(kind: K): ResourceOf<K>[]
  get<K extends KindName>(kind: K, uid: string): ResourceOf<K> | undefined
  /**
   * Throws CONFLICT when another resource of the kind holds the uid or the name, or when it is a ClusterDefaults
   * and the cluster has one. Returns a copy of `resource` ready to persist (without `status.supersededBy`).
   */
  checkCreate<K extends KindName>(resource: ResourceOf<K>): ResourceOf<K>
  /**
   * Throws NOT_FOUND, PRECONDITION_FAILED or CONFLICT (RES-3: the name is served by another resource, which is
   * also the case when `resource` is a superseded one keeping its name with another spec; its status alone may be
   * written) and returns a copy of `resource` with
   * resourceVersion `expectedVersion + 1`, ready to persist (without `status.supersededBy`).
   */
  checkUpdate<K extends KindName>(resource: ResourceOf<K>, expectedVersion: string): ResourceOf<K>
  /** Throws NOT_FOUND or PRECONDITION_FAILED; returns the current resource (a copy). */
  checkDelete<K extends KindName>(kind: K, uid: string, expectedVersion?: string): ResourceOf<K>
  /**
   * Records a durable change and publishes it to subscribers, in order. Returns a copy of the resource as reads
   * hand it out (with `status.supersededBy` worked out), for the store to answer the write with.
   */
  apply<K extends KindName>(type: ResourceChange['type'], resource: ResourceOf<K>): ResourceOf<K>
  generation(): number
  subscribe(listener: (change: ResourceChange) => void): () => void
  /** Drops every subscriber (on close). */
  clearSubscribers(): void
  /** Every name held by several resources, with the served and the superseded uids (§16 RES-3). */
  superseded(): SupersededGroup[]
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
  const served = createServedIndex()
  for (const resource of options.seed ?? []) {
    const map = kindMap(resource.kind)
    if (map.has(resource.metadata.uid)) throw new Error(`seed holds ${resource.kind} ${resource.metadata.uid} twice`)
    const copy = structuredClone(resource)
    delete copy.status.supersededBy
    map.set(resource.metadata.uid, copy)
    served.add(copy)
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
  // RES-3: the served resource of the name (any ClusterDefaults) holds it; superseded ones hold nothing. A superseded
  // one written with its name and spec unchanged (a status write, RES-7, WG-8) is no write by name and passes.
  const assertNameFree = (resource: AnyResource, current?: AnyResource) => {
    const holder = served.holderOtherThan(resource)
    if (holder === undefined || (current !== undefined && sameNameAndSpec(current, resource))) return
    if (holder.kind === 'ClusterDefaults' && holder.metadata.name !== resource.metadata.name) throw clusterDefaultsConflict(holder.metadata)
    throw nameConflict(resource.kind, holder.metadata.name, holder.metadata.uid)
  }
  /** A copy as handed out: `status.supersededBy` says whether another resource serves this one's name. */
  const handOut = <K extends KindName>(resource: AnyResource): ResourceOf<K> => {
    const copy = structuredClone(resource) as ResourceOf<K>
    const by = served.supersededBy(resource)
    if (by === undefined) delete copy.status.supersededBy
    else copy.status.supersededBy = by
    return copy
  }

  return {
    list: <K extends KindName>(kind: K) => [...kindMap(kind).values()].sort(compareResourceOrder).map((r) => handOut<K>(r)),
    get<K extends KindName>(kind: K, uid: string) {
      const found = kindMap(kind).get(uid)
      return found && handOut<K>(found)
    },
    checkCreate<K extends KindName>(resource: ResourceOf<K>) {
      const sameUid = kindMap(resource.kind).get(resource.metadata.uid)
      if (sameUid) throw nameConflict(resource.kind, sameUid.metadata.name, resource.metadata.uid)
      assertNameFree(resource)
      return storedForm(resource)
    },
    checkUpdate<K extends KindName>(resource: ResourceOf<K>, expectedVersion: string) {
      const current = existing(resource.kind, resource.metadata.uid)
      if (current.metadata.resourceVersion !== expectedVersion) throw preconditionFailed(current.metadata.resourceVersion)
      assertNameFree(resource, current)
      const next = storedForm(resource)
      next.metadata.resourceVersion = String(Number(expectedVersion) + 1)
      return next
    },
    checkDelete<K extends KindName>(kind: K, uid: string, expectedVersion?: string) {
      const current = existing(kind, uid)
      if (expectedVersion !== undefined && current.metadata.resourceVersion !== expectedVersion) {
        throw preconditionFailed(current.metadata.resourceVersion)
      }
      return handOut<K>(current)
    },
    apply<K extends KindName>(type: ResourceChange['type'], resource: ResourceOf<K>) {
      const map = kindMap(resource.kind)
      const previous = map.get(resource.metadata.uid)
      if (previous) served.remove(previous)
      if (type === 'deleted') map.delete(resource.metadata.uid)
      else {
        delete resource.status.supersededBy
        map.set(resource.metadata.uid, resource)
        served.add(resource)
      }
      generation += 1
      const change: ResourceChange = {
        type,
        kind: resource.kind,
        uid: resource.metadata.uid,
        resource: type === 'deleted' ? resource : handOut(resource),
        generation,
      }
      for (const listener of [...listeners]) {
        try {
          listener(structuredClone(change))
        } catch (err) {
          onListenerError(err, change)
        }
      }
      return structuredClone(change.resource) as ResourceOf<K>
    },
    generation: () => generation,
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    clearSubscribers: () => listeners.clear(),
    superseded: () => served.report(),
  }
}

/**
 * True when `next` keeps the name and the spec of `current`: a write of its status or labels only, which a
 * superseded resource may take (§16 RES-3 refuses writes by name to it, not status writes).
 */
export function sameNameAndSpec(current: AnyResource, next: AnyResource): boolean {
  return current.metadata.name === next.metadata.name && JSON.stringify(current.spec) === JSON.stringify(next.spec)
}

/**
 * A copy of `resource` as a store keeps it: `status.supersededBy` is worked out on every read (§16 RES-3), never
 * stored, so a status read and written back cannot pin it.
 */
export function storedForm<K extends KindName>(resource: ResourceOf<K>): ResourceOf<K> {
  const copy = structuredClone(resource)
  delete copy.status.supersededBy
  return copy
}
