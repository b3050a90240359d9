import { hostname as osHostname } from 'node:os'
import {
  type AnyResource,
  type KindName,
  type Logger,
  type ResourceOf,
  type ResourceStore,
} from '@metadata-service/core'
import { createResourceTable, createStoreGate, tableReads } from '@metadata-service/core/store'
import { removeFileDurably, writeFileAtomic } from './_atomic-write.js'
import { createDiskGuard } from './_disk-guard.js'
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
  /** The flock(1) command that takes the kernel lock (STO-5, issue 16); default `flock`. Tests name a missing one. */
  flockCommand?: string
}

/**
 * Opens the JSON-file {@link ResourceStore} on `<dataDir>/<kind dir>/<uid>.json` (SPEC §11): takes the lock
 * (STO-5), loads every file into memory (STO-3; corrupt files are reported by `problems()`, STO-4) and serves
 * reads from memory. Writes are serialised, hit disk atomically (STO-2), then memory, then subscribers (RES-10).
 * A file changed on disk behind the service is never overwritten: such a write rejects with CONFLICT (issue 16,
 * `_disk-guard.ts`); deleting a resource whose file was already removed succeeds.
 * Rejects with STORAGE_FAILED when the directory is locked or cannot be created or listed.
 */
export async function openFileStore(options: FileStoreOptions): Promise<ResourceStore> {
  const { dataDir, logger } = options
  await ensureDir(dataDir)
  const release = await acquireLock(dataDir, {
    pid: options.pid ?? process.pid,
    hostname: options.hostname ?? osHostname(),
    logger,
    ...(options.flockCommand === undefined ? {} : { flockCommand: options.flockCommand }),
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
  const disk = createDiskGuard({ dataDir, logger, fingerprints: loaded.fingerprints, linkedKinds: loaded.linkedKinds })

  // Writes run one at a time so check-and-write is atomic (RES-5, STO-3).
  const gate = createStoreGate()
  const { serialised } = gate
  const persist = async (resource: AnyResource) => {
    const { kind, metadata } = resource
    const content = `${JSON.stringify(resource, null, 2)}\n`
    try {
      await writeFileAtomic(disk.dirOf(kind), `${metadata.uid}.json`, content)
    } catch (err) {
      // Words only: the path is in the cause, which the log shows and the client never sees (issue 16).
      throw storageFailed(`cannot write ${kind} ${metadata.uid}`, err)
    }
    disk.wrote(metadata.uid, content)
  }

  return {
    ...tableReads(table, gate),
    create<K extends KindName>(resource: ResourceOf<K>) {
      const proposed = structuredClone(resource)
      return serialised(async () => {
        const next = table.checkCreate(proposed)
        // STO-4 leaves corrupt files on disk for the operator: a file already there is never overwritten.
        await disk.expect(next.kind, next.metadata.uid, ['absent'])
        await persist(next)
        return table.apply('created', next)
      })
    },
    update<K extends KindName>(resource: ResourceOf<K>, expectedVersion: string) {
      const proposed = structuredClone(resource)
      return serialised(async () => {
        const next = table.checkUpdate(proposed, expectedVersion)
        await disk.expect(next.kind, next.metadata.uid, ['ours'])
        await persist(next)
        return table.apply('updated', next)
      })
    },
    delete<K extends KindName>(kind: K, uid: string, expectedVersion?: string) {
      return serialised(async () => {
        const current = table.checkDelete(kind, uid, expectedVersion)
        // Deleting what is already gone succeeds (issue 16): the file removed by hand, memory follows.
        if ((await disk.expect(kind, uid, ['ours', 'absent'])) === 'ours') {
          try {
            await removeFileDurably(disk.dirOf(kind), `${uid}.json`)
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw storageFailed(`cannot delete ${kind} ${uid}`, err)
          }
        }
        disk.removed(uid)
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
