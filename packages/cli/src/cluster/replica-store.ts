import {
  createResourceTable,
  createStoreGate,
  tableReads,
  KIND_NAMES,
  type AnyResource,
  type KindName,
  type ResourceChange,
  type ResourceOf,
  type ResourceStore,
  type StoreProblem,
} from '@metadata-service/core'
import type { RpcPeer } from './rpc.js'

/** What the primary hands a new worker about the store (`store.init`). */
export interface StoreSeed {
  readonly resources: readonly AnyResource[]
  readonly problems: readonly StoreProblem[]
}

/** The store event the primary broadcasts after each durable change. */
export const STORE_CHANGE_EVENT = 'store.change'

/**
 * A worker's {@link ResourceStore}: reads answer from an in-memory copy of the primary's store (the shared-nothing
 * read path of ARCHITECTURE), writes go to the primary, whose store checks and persists them (one writer, one
 * lock). The primary broadcasts every change before it answers the write, and a channel keeps its order, so a
 * worker reads its own writes; other workers see a write within one IPC hop.
 */
export function createReplicaStore(peer: RpcPeer, seed: StoreSeed): ResourceStore {
  const table = createResourceTable({ seed: seed.resources })
  const gate = createStoreGate()
  const open = gate.assertOpen
  peer.onEvent(STORE_CHANGE_EVENT, (data) => {
    const change = data as ResourceChange
    table.apply(change.type, change.resource)
  })

  return {
    ...tableReads(table, gate),
    async create<K extends KindName>(resource: ResourceOf<K>) {
      open()
      return peer.call<ResourceOf<K>>('store.create', resource)
    },
    async update<K extends KindName>(resource: ResourceOf<K>, expectedVersion: string) {
      open()
      return peer.call<ResourceOf<K>>('store.update', resource, expectedVersion)
    },
    async delete<K extends KindName>(kind: K, uid: string, expectedVersion?: string) {
      open()
      return peer.call<ResourceOf<K>>('store.delete', kind, uid, expectedVersion)
    },
    problems: () => seed.problems,
    close: () => gate.close(async () => table.clearSubscribers()),
  }
}

/**
 * The primary's side of {@link createReplicaStore}: sends every durable change of `store` to `broadcast`. The store
 * publishes a change before its write resolves, so a worker gets the change before the reply to its write.
 * Returns the unsubscribe function.
 */
export function publishStoreChanges(store: ResourceStore, broadcast: (event: string, data: unknown) => void): () => void {
  return store.subscribe((change) => broadcast(STORE_CHANGE_EVENT, change))
}

/** The primary's side of {@link createReplicaStore}: the seed and the write calls, on the real store. */
export function replicaStoreHandlers(store: ResourceStore) {
  return {
    'store.init': async (): Promise<StoreSeed> => {
      const lists = await Promise.all(KIND_NAMES.map((kind) => store.list(kind)))
      return { resources: lists.flat(), problems: store.problems() }
    },
    'store.create': (resource: AnyResource) => store.create(resource),
    'store.update': (resource: AnyResource, expectedVersion: string) => store.update(resource, expectedVersion),
    'store.delete': (kind: KindName, uid: string, expectedVersion?: string) => store.delete(kind, uid, expectedVersion),
  }
}
