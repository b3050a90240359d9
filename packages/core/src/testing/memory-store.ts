import type { AnyResource, ResourceOf } from '../domain/kinds.js'
import type { KindName } from '../domain/metadata.js'
import type { ResourceStore } from '../ports/resource-store.js'
import { createResourceTable } from '../store/resource-table.js'
import { createStoreGate } from '../store/store-gate.js'
import { tableReads } from '../store/table-reads.js'

/**
 * An in-memory {@link ResourceStore} for tests: the shared resource table with nothing to persist.
 * `seed` is loaded as-is, like files written by earlier versions: duplicate names are allowed, duplicate uids
 * of a kind throw. Nothing is validated against the kind schemas.
 */
export function createMemoryStore(seed: readonly AnyResource[] = []): ResourceStore {
  const table = createResourceTable({ seed })
  const gate = createStoreGate()
  const open = gate.assertOpen

  return {
    ...tableReads(table, gate),
    async create<K extends KindName>(resource: ResourceOf<K>) {
      open()
      return table.apply('created', table.checkCreate(resource))
    },
    async update<K extends KindName>(resource: ResourceOf<K>, expectedVersion: string) {
      open()
      return table.apply('updated', table.checkUpdate(resource, expectedVersion))
    },
    async delete<K extends KindName>(kind: K, uid: string, expectedVersion?: string) {
      open()
      const current = table.checkDelete(kind, uid, expectedVersion)
      table.apply('deleted', current)
      return structuredClone(current)
    },
    problems: () => [],
    // Idempotent so shutdown paths can call it twice; every other call after it rejects.
    close: () => gate.close(async () => table.clearSubscribers()),
  }
}
