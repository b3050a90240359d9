import { hostname as osHostname } from 'node:os'
import { join } from 'node:path'
import {
  KINDS,
  MetadataError,
  compareResourceOrder,
  nameConflict,
  preconditionFailed,
  resourceNotFound,
  type AnyResource,
  type KindName,
  type Logger,
  type ResourceChange,
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
  const byKind = new Map<KindName, Map<string, AnyResource>>(Object.values(KINDS).map((k) => [k.kind, new Map()]))
  const kindMap = (kind: KindName) => byKind.get(kind)!
  // Legacy duplicate names load as they are (RES-3); the 409 rule applies to their next write.
  for (const resource of loaded.resources) kindMap(resource.kind).set(resource.metadata.uid, resource)
  const problems = Object.freeze(loaded.problems.map((p) => Object.freeze({ ...p })))
  const corruptPaths = new Set(problems.map((p) => p.location))

  let generation = 0
  let closed = false
  let closing: Promise<void> | undefined
  let queue: Promise<unknown> = Promise.resolve()
  const listeners = new Set<(change: ResourceChange) => void>()

  const open = () => {
    if (closed) throw new MetadataError('STORAGE_FAILED', 'resource store is closed')
  }
  /** Runs writes one at a time so check-and-write is atomic (RES-5, STO-3). */
  const serialised = <T>(write: () => Promise<T>): Promise<T> => {
    const result = queue.then(() => {
      open()
      return write()
    })
    queue = result.catch(() => {})
    return result
  }
  const existing = (kind: KindName, uid: string) => {
    const current = kindMap(kind).get(uid)
    if (!current) throw resourceNotFound(kind, uid)
    return current
  }
  const assertNameFree = (resource: AnyResource) => {
    const { name, uid } = resource.metadata
    const holder = [...kindMap(resource.kind).values()].find((r) => r.metadata.name === name && r.metadata.uid !== uid)
    if (holder) throw nameConflict(resource.kind, name, holder.metadata.uid)
  }
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
  const publish = (type: ResourceChange['type'], resource: AnyResource) => {
    generation += 1
    const change: ResourceChange = { type, kind: resource.kind, uid: resource.metadata.uid, resource, generation }
    for (const listener of [...listeners]) {
      try {
        listener(structuredClone(change))
      } catch (err) {
        logger.error('resource change listener failed', { kind: change.kind, uid: change.uid, error: String(err) })
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
    create<K extends KindName>(resource: ResourceOf<K>) {
      const next = structuredClone(resource) as AnyResource
      return serialised(async () => {
        assertNameFree(next)
        const sameUid = kindMap(next.kind).get(next.metadata.uid)
        if (sameUid) throw nameConflict(next.kind, sameUid.metadata.name, next.metadata.uid)
        const path = join(dirOf(next.kind), `${next.metadata.uid}.json`)
        // STO-4 leaves corrupt files on disk for the operator: never overwrite one with a new resource.
        if (corruptPaths.has(path)) throw new MetadataError('STORAGE_FAILED', `cannot write ${path}: a corrupt file is there`)
        await persist(next)
        kindMap(next.kind).set(next.metadata.uid, next)
        publish('created', structuredClone(next))
        return structuredClone(next) as ResourceOf<K>
      })
    },
    update<K extends KindName>(resource: ResourceOf<K>, expectedVersion: string) {
      const next = structuredClone(resource) as AnyResource
      return serialised(async () => {
        const current = existing(next.kind, next.metadata.uid)
        if (current.metadata.resourceVersion !== expectedVersion) throw preconditionFailed(current.metadata.resourceVersion)
        assertNameFree(next)
        next.metadata.resourceVersion = String(Number(expectedVersion) + 1)
        await persist(next)
        kindMap(next.kind).set(next.metadata.uid, next)
        publish('updated', structuredClone(next))
        return structuredClone(next) as ResourceOf<K>
      })
    },
    delete<K extends KindName>(kind: K, uid: string, expectedVersion?: string) {
      return serialised(async () => {
        const current = existing(kind, uid)
        if (expectedVersion !== undefined && current.metadata.resourceVersion !== expectedVersion) {
          throw preconditionFailed(current.metadata.resourceVersion)
        }
        try {
          await removeFileDurably(dirOf(kind), `${uid}.json`)
        } catch (err) {
          throw storageFailed(`cannot delete ${join(dirOf(kind), `${uid}.json`)}`, err)
        }
        kindMap(kind).delete(uid)
        publish('deleted', structuredClone(current))
        return current as ResourceOf<K>
      })
    },
    generation: () => generation,
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    problems: () => problems,
    // Waits for queued writes, then releases the lock (STO-5). Idempotent, like the memory store.
    close() {
      closing ??= serialised(async () => {
        closed = true
        listeners.clear()
        await release()
      })
      return closing
    },
  }
}
