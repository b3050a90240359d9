import type { AnyResource, ResourceOf } from '../domain/kinds.js'
import type { KindName } from '../domain/metadata.js'
import { nameConflict, preconditionFailed, resourceNotFound } from '../domain/resource-errors.js'
import { compareResourceOrder } from '../domain/resource-order.js'
import { MetadataError } from '../errors.js'
import type { ResourceChange, ResourceStore } from '../ports/resource-store.js'

/**
 * An in-memory {@link ResourceStore} for tests (and the reference the contract suite was written against).
 * `seed` is loaded as-is, like files written by earlier versions: duplicate names are allowed, duplicate uids
 * of a kind throw. Nothing is validated against the kind schemas.
 */
export function createMemoryStore(seed: readonly AnyResource[] = []): ResourceStore {
  const byKind = new Map<KindName, Map<string, AnyResource>>()
  const kindMap = (kind: KindName) => {
    let map = byKind.get(kind)
    if (!map) byKind.set(kind, (map = new Map()))
    return map
  }
  for (const resource of seed) {
    const map = kindMap(resource.kind)
    if (map.has(resource.metadata.uid)) throw new Error(`seed holds ${resource.kind} ${resource.metadata.uid} twice`)
    map.set(resource.metadata.uid, structuredClone(resource))
  }

  let generation = 0
  let closed = false
  const listeners = new Set<(change: ResourceChange) => void>()

  const open = () => {
    if (closed) throw new MetadataError('STORAGE_FAILED', 'resource store is closed')
  }
  const holderOfName = (kind: KindName, name: string, exceptUid: string) =>
    [...kindMap(kind).values()].find((r) => r.metadata.name === name && r.metadata.uid !== exceptUid)
  const existing = (kind: KindName, uid: string) => {
    const current = kindMap(kind).get(uid)
    if (!current) throw resourceNotFound(kind, uid)
    return current
  }
  const publish = (type: ResourceChange['type'], resource: AnyResource) => {
    generation += 1
    const change: ResourceChange = { type, kind: resource.kind, uid: resource.metadata.uid, resource, generation }
    for (const listener of [...listeners]) {
      try {
        listener(structuredClone(change))
      } catch (err) {
        // The write already happened; surface the listener's bug as an uncaught error instead of failing it.
        queueMicrotask(() => {
          throw err
        })
      }
    }
  }

  return {
    async list<K extends KindName>(kind: K) {
      open()
      return [...kindMap(kind).values()].sort(compareResourceOrder).map((r) => structuredClone(r) as ResourceOf<K>)
    },
    async get<K extends KindName>(kind: K, uid: string) {
      open()
      const found = kindMap(kind).get(uid)
      return found && (structuredClone(found) as ResourceOf<K>)
    },
    async create<K extends KindName>(resource: ResourceOf<K>) {
      open()
      const { kind, metadata } = resource
      const holder = holderOfName(kind, metadata.name, metadata.uid)
      if (holder) throw nameConflict(kind, metadata.name, holder.metadata.uid)
      const sameUid = kindMap(kind).get(metadata.uid)
      if (sameUid) throw nameConflict(kind, sameUid.metadata.name, metadata.uid)
      const stored = structuredClone(resource) as AnyResource
      kindMap(kind).set(metadata.uid, stored)
      publish('created', structuredClone(stored))
      return structuredClone(stored) as ResourceOf<K>
    },
    async update<K extends KindName>(resource: ResourceOf<K>, expectedVersion: string) {
      open()
      const { kind, metadata } = resource
      const current = existing(kind, metadata.uid)
      if (current.metadata.resourceVersion !== expectedVersion) {
        throw preconditionFailed(current.metadata.resourceVersion)
      }
      // RES-3: also refuses writes to one of two legacy duplicates until one of them is renamed or deleted.
      const holder = holderOfName(kind, metadata.name, metadata.uid)
      if (holder) throw nameConflict(kind, metadata.name, holder.metadata.uid)
      const stored = structuredClone(resource) as AnyResource
      stored.metadata.resourceVersion = String(Number(expectedVersion) + 1)
      kindMap(kind).set(metadata.uid, stored)
      publish('updated', structuredClone(stored))
      return structuredClone(stored) as ResourceOf<K>
    },
    async delete<K extends KindName>(kind: K, uid: string, expectedVersion?: string) {
      open()
      const current = existing(kind, uid)
      if (expectedVersion !== undefined && current.metadata.resourceVersion !== expectedVersion) {
        throw preconditionFailed(current.metadata.resourceVersion)
      }
      kindMap(kind).delete(uid)
      publish('deleted', structuredClone(current))
      return current as ResourceOf<K>
    },
    generation: () => generation,
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    problems: () => [],
    // Idempotent so shutdown paths can call it twice; every other call after it rejects.
    async close() {
      closed = true
      listeners.clear()
    },
  }
}
