import type { KindName } from '../domain/metadata.js'
import type { ResourceStore } from '../ports/resource-store.js'
import type { ResourceTable } from './resource-table.js'
import type { StoreGate } from './store-gate.js'

/**
 * The read half of a {@link ResourceStore} kept in a {@link ResourceTable}: `list`, `get` (copies, straight from
 * memory, with `status.supersededBy` worked out, §16 RES-3), `generation`, `subscribe` and `superseded`. Reads reject with STORAGE_FAILED once `gate` is closed. Shared by every
 * store that keeps its resources in memory (memory, files, PostgreSQL, worker replicas).
 */
export function tableReads(
  table: ResourceTable,
  gate: Pick<StoreGate, 'assertOpen'>,
): Pick<ResourceStore, 'list' | 'get' | 'generation' | 'subscribe' | 'superseded'> {
  return {
    async list<K extends KindName>(kind: K) {
      gate.assertOpen()
      return table.list(kind)
    },
    async get<K extends KindName>(kind: K, uid: string) {
      gate.assertOpen()
      return table.get(kind, uid)
    },
    generation: () => table.generation(),
    subscribe: (listener) => table.subscribe(listener),
    superseded: () => table.superseded(),
  }
}
