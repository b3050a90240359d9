import {
  KIND_NAMES,
  type AnyResource,
  type KindName,
  type ResourceChange,
  type ResourceOf,
  type ResourceStore,
  type StoreProblem,
} from '@metadata-service/core'
import { createResourceTable, createStoreGate, tableReads } from '@metadata-service/core/store'
import type { RpcPeer } from './rpc.js'

/** What the primary hands a new worker about the store (`store.init`). */
interface StoreSeed {
  readonly resources: readonly AnyResource[]
  readonly problems: readonly StoreProblem[]
  /** The number of the last change published before the resources were read. */
  readonly seq: number
}

/** A change as the primary broadcasts it: numbered, so a worker knows which ones its seed already holds. */
interface NumberedChange {
  readonly seq: number
  readonly change: ResourceChange
}

// The store event the primary broadcasts after each durable change.
const STORE_CHANGE_EVENT = 'store.change'

/**
 * Opens a worker's {@link ResourceStore}: reads answer from an in-memory copy of the primary's store (the shared-nothing
 * read path of ARCHITECTURE), writes go to the primary, whose store checks and persists them (one writer, one
 * lock). The primary broadcasts every change before it answers the write, and a channel keeps its order, so a
 * worker reads its own writes; other workers see a write within one IPC hop.
 */
export async function openReplicaStore(peer: RpcPeer): Promise<ResourceStore> {
  // Listening before asking for the seed: a change published around the reply (one IPC read can carry both) is
  // kept and applied after the seed unless the seed already holds it.
  const early: NumberedChange[] = []
  let follow = (numbered: NumberedChange): void => void early.push(numbered)
  peer.onEvent(STORE_CHANGE_EVENT, (data) => follow(data as NumberedChange))
  const seed = await peer.call<StoreSeed>('store.init')
  const table = createResourceTable({ seed: seed.resources })
  follow = ({ seq, change }) => {
    if (seq > seed.seq) table.apply(change.type, change.resource)
  }
  for (const numbered of early) follow(numbered)
  const gate = createStoreGate()
  const open = gate.assertOpen

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
 * The primary's side of {@link openReplicaStore}: the seed and the write calls on the real `store`, and every durable
 * change of it, numbered, to `broadcast`. The store publishes a change before its write resolves, so a worker gets
 * the change before the reply to its write. `stop` ends the broadcasting.
 */
export function serveReplicaStore(store: ResourceStore, broadcast: (event: string, data: unknown) => void) {
  let seq = 0
  const stop = store.subscribe((change) => broadcast(STORE_CHANGE_EVENT, { seq: ++seq, change } satisfies NumberedChange))
  const handlers = {
    'store.init': async (): Promise<StoreSeed> => {
      // Numbered before reading: a change made meanwhile is applied again by the worker, which converges.
      const before = seq
      const lists = await Promise.all(KIND_NAMES.map((kind) => store.list(kind)))
      return { resources: lists.flat(), problems: store.problems(), seq: before }
    },
    'store.create': (resource: AnyResource) => store.create(resource),
    'store.update': (resource: AnyResource, expectedVersion: string) => store.update(resource, expectedVersion),
    'store.delete': (kind: KindName, uid: string, expectedVersion?: string) => store.delete(kind, uid, expectedVersion),
  }
  return { handlers, stop }
}
