import { hostname as osHostname } from 'node:os'
import { join } from 'node:path'
import {
  KINDS,
  MetadataError,
  createResourceTable,
  createStoreGate,
  tableReads,
  type AnyResource,
  type KindName,
  type Logger,
  type ResourceOf,
  type ResourceStore,
} from '@metadata-service/core'
import { removeFileDurably, writeFileAtomic } from './_atomic-write.js'
import { ensureDir, loadDataDir, type Loaded } from './_load.js'
import { acquireLock } from './_lock.js'
import { storageFailed } from './_storage-failed.js'

/** Options of {@link openFileStore}. */
export interface FileStoreOptions {
  /** The data directory (`data_dir`); created with mode 0750 when missing. */
  dataDir: string
  logger: Logger
  /** Recorded in the lock file; default `os.hostname()`. */
  hostname?: string
  /** Recorded in the lock file; default `process.pid`. */
  pid?: number
}

/**
 * Opens the JSON-file {@link ResourceStore} on `<dataDir>/<kind dir>/<uid>.json` (SPEC §11): takes the lock
 * (STO-5), loads every file into memory (STO-3; corrupt files are reported by `problems()`, STO-4) and serves
 * reads from memory. Writes are serialised, hit disk atomically (STO-2), then memory, then subscribers (RES-10).
 * Rejects with STORAGE_FAILED when the directory is locked or cannot be created or listed.
 */
export async function openFileStore(options: FileStoreOptions): Promise<ResourceStore> {
  const { dataDir, logger } = options
  await ensureDir(dataDir)
  const release = await acquireLock(dataDir, {
    pid: options.pid ?? process.pid,
    hostname: options.hostname ?? osHostname(),
    logger,
  })
  let loaded: Loaded
  try {
    loaded = await loadDataDir(dataDir, logger)
  } catch (err) {
    await release().catch(() => {})
    throw err
  }
  return createFileStore({ dataDir, logger, loaded, release })
}

// --- internal ---

interface Parts {
  dataDir: string
  logger: Logger
  loaded: Loaded
  release: () => Promise<void>
}

function createFileStore({ dataDir, logger, loaded, release }: Parts): ResourceStore {
  // Several resources with one name (the Go service's data dirs) load as they are: the latest is served (§16 RES-3).
  const table = createResourceTable({
    seed: loaded.resources,
    onListenerError: (err, change) =>
      logger.error('resource change listener failed', { kind: change.kind, uid: change.uid, error: String(err) }),
  })
  const problems = Object.freeze(loaded.problems.map((p) => Object.freeze({ ...p })))
  const corruptPaths = new Set(problems.map((p) => p.location))

  // Writes run one at a time so check-and-write is atomic (RES-5, STO-3).
  const gate = createStoreGate()
  const { serialised } = gate
  const dirOf = (kind: KindName) => join(dataDir, KINDS[kind].dir)
  const persist = async (resource: AnyResource) => {
    const dir = dirOf(resource.kind)
    const name = `${resource.metadata.uid}.json`
    try {
      await writeFileAtomic(dir, name, `${JSON.stringify(resource, null, 2)}\n`)
    } catch (err) {
      throw storageFailed(`cannot write ${join(dir, name)}`, err)
    }
  }

  return {
    ...tableReads(table, gate),
    create<K extends KindName>(resource: ResourceOf<K>) {
      const proposed = structuredClone(resource)
      return serialised(async () => {
        const next = table.checkCreate(proposed)
        const path = join(dirOf(next.kind), `${next.metadata.uid}.json`)
        // STO-4 leaves corrupt files on disk for the operator: never overwrite one with a new resource.
        if (corruptPaths.has(path)) throw new MetadataError('STORAGE_FAILED', `cannot write ${path}: a corrupt file is there`)
        await persist(next)
        return table.apply('created', next)
      })
    },
    update<K extends KindName>(resource: ResourceOf<K>, expectedVersion: string) {
      const proposed = structuredClone(resource)
      return serialised(async () => {
        const next = table.checkUpdate(proposed, expectedVersion)
        await persist(next)
        return table.apply('updated', next)
      })
    },
    delete<K extends KindName>(kind: K, uid: string, expectedVersion?: string) {
      return serialised(async () => {
        const current = table.checkDelete(kind, uid, expectedVersion)
        try {
          await removeFileDurably(dirOf(kind), `${uid}.json`)
        } catch (err) {
          throw storageFailed(`cannot delete ${join(dirOf(kind), `${uid}.json`)}`, err)
        }
        table.apply('deleted', current)
        return structuredClone(current)
      })
    },
    problems: () => problems,
    // Waits for queued writes, then releases the lock (STO-5). Idempotent, like the memory store.
    close: () =>
      gate.close(async () => {
        table.clearSubscribers()
        await release()
      }),
  }
}
