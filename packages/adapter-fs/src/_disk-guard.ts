import { join } from 'node:path'
import { KINDS, MetadataError, type KindName, type Logger } from '@metadata-service/core'
import { fingerprint, readResourceFile } from './_read-resource-file.js'
import { storageFailed } from './_storage-failed.js'

/** What a write may find in a resource's place on disk: the file this store last left there, or none. */
export type OnDisk = 'ours' | 'absent'

/** What {@link createDiskGuard} needs. */
export interface DiskGuardParts {
  readonly dataDir: string
  readonly logger: Logger
  /** uid → fingerprint of each loaded file (`_load.ts`). Taken over, not copied. */
  readonly fingerprints: Map<string, string>
  /** Kinds whose directory is a symbolic link: every write of theirs is refused. */
  readonly linkedKinds: ReadonlySet<KindName>
}

/**
 * Issue 16: a resource file changed on disk behind the service's back is never silently overwritten. The store
 * remembers a fingerprint of the bytes it last loaded or wrote per resource; before each write the file is read
 * again (without following links) and the write goes ahead only when the file is as the store left it. Otherwise
 * the write rejects with CONFLICT (409, in words, no path) and a warn line with the path: the operator restarts the
 * service to load the data directory as it is now (STO-3 loads at start), or moves the file away.
 */
export interface DiskGuard {
  /** `<dataDir>/<kind dir>`. */
  dirOf(kind: KindName): string
  /**
   * Checks `<kind dir>/<uid>.json` before a write and resolves with what is there, which is one of `allowed`.
   * Rejects with CONFLICT when the file was changed, replaced by a link or other non-file, or is absent (present)
   * though `allowed` wants it present (absent); with STORAGE_FAILED when it cannot be read or the kind directory
   * is a symbolic link.
   */
  expect(kind: KindName, uid: string, allowed: readonly OnDisk[]): Promise<OnDisk>
  /** Records the bytes just written for `uid`. */
  wrote(uid: string, content: string): void
  /** Forgets `uid` after its delete. */
  removed(uid: string): void
}

/** Creates the {@link DiskGuard} of one store. */
export function createDiskGuard({ dataDir, logger, fingerprints, linkedKinds }: DiskGuardParts): DiskGuard {
  const dirOf = (kind: KindName) => join(dataDir, KINDS[kind].dir)
  return {
    dirOf,
    async expect(kind, uid, allowed) {
      const verb = allowed.includes('ours') && allowed.includes('absent') ? 'delete' : 'write'
      if (linkedKinds.has(kind)) {
        throw new MetadataError('STORAGE_FAILED', `cannot ${verb} ${kind} ${uid}: the ${KINDS[kind].dir} directory is a symbolic link, which the service does not follow`)
      }
      const path = join(dirOf(kind), `${uid}.json`)
      const file = await readResourceFile(path)
      if (file.state === 'failed') throw storageFailed(`cannot ${verb} ${kind} ${uid}`, file.error)
      const known = fingerprints.get(uid)
      const found = file.state === 'missing' ? 'absent' : file.state === 'read' && file.digest === known ? 'ours' : 'changed'
      if (found !== 'changed' && allowed.includes(found)) return found
      logger.warn('resource file changed on disk outside the service; write refused', { kind, uid, path, found: file.state })
      throw new MetadataError('CONFLICT', conflictText(kind, uid, known === undefined ? 'foreign' : found === 'absent' ? 'removed' : 'changed'))
    },
    wrote(uid, content) {
      fingerprints.set(uid, fingerprint(content))
    },
    removed(uid) {
      fingerprints.delete(uid)
    },
  }
}

// --- internal ---

function conflictText(kind: KindName, uid: string, what: 'foreign' | 'removed' | 'changed'): string {
  switch (what) {
    case 'foreign':
      return `a file for ${kind} ${uid} that this service did not write is on disk; refused so that it is not overwritten (move it away, or restart the service to load it)`
    case 'removed':
      return `${kind} ${uid} was removed on disk outside the service; refused so that the removal is not undone (restart the service to drop it, or delete it)`
    case 'changed':
      return `${kind} ${uid} was changed on disk outside the service; refused so that the change is not lost (restart the service to load the file as it is now)`
  }
}
