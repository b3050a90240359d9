import { close, constants, fchmod, open, unlink } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { MetadataError, type Logger } from '@metadata-service/core'
import { flockExclusive } from './_flock.js'
import { isAtPath, readHolder, recordedHolderAlive, recordHolder, type LockHolder } from './_lock-holder.js'
import { storageFailed } from './_storage-failed.js'

/** STO-1: the lock file's name inside the data directory. */
export const LOCK_FILE = 'metadata-service.lock'
/** STO-1: files are `0640`. */
const FILE_MODE = 0o640
/** Rounds before giving up on a lock file that is removed or replaced under us each time. */
const ROUNDS = 5

/** Options of {@link acquireLock}. */
export interface LockOptions {
  pid: number
  hostname: string
  logger: Logger
  /** The flock(1) command (util-linux or BusyBox); default `flock`. A missing one selects the fallback rule. */
  flockCommand?: string
}

/**
 * STO-5 as changed by issue 16: takes `<dataDir>/metadata-service.lock` for this process and resolves to its release
 * function. The lock is the kernel's: an exclusive `flock(2)` on the open file (_flock.ts), which the kernel drops
 * the moment its holder dies however it dies, so a restart always starts (PID 1 of a container after kill -9, a
 * zombie holder) while two live servers never share a data directory, whatever their PID namespace or host name.
 * The file records `{pid, host}` only to name the holder in the refusal; its content never blocks a start (an
 * empty file left on a full disk is simply taken). Where flock(1) is missing, the recorded holder decides
 * ({@link recordedHolderAlive}), with a warning.
 *
 * Rejects with STORAGE_FAILED `data directory <dir> is locked by another metadata-service process (pid <n> on
 * <host>)`, or when the file cannot be opened or locked.
 */
export async function acquireLock(dataDir: string, options: LockOptions): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK_FILE)
  const mine: LockHolder = { pid: options.pid, host: options.hostname }
  for (let round = 0; round < ROUNDS; round += 1) {
    const fd = await openLockFile(path)
    try {
      const previous = await readHolder(fd)
      const outcome = await flockExclusive(fd, options.flockCommand ?? 'flock')
      if (outcome === 'unavailable') {
        options.logger.warn('flock(1) not found: the data-directory lock relies on the pid recorded in the lock file', { path })
      }
      const taken = outcome === 'busy' || (outcome === 'unavailable' && previous !== undefined && (await recordedHolderAlive(previous, mine)))
      if (taken) throw lockedBy(dataDir, outcome === 'busy' ? await readHolder(fd) : previous)
      // A holder that was releasing removed the file between our open and our lock: lock the new file instead.
      if (!(await isAtPath(fd, path))) {
        await closeFd(fd)
        continue
      }
      if (previous !== undefined) {
        options.logger.warn('taking over the lock of a dead metadata-service process', { path, holderPid: previous.pid, host: previous.host })
      }
      await recordHolder(path, fd, mine).catch((err: unknown) => {
        // The kernel lock holds all the same; without flock(1) an unrecorded holder is no lock at all.
        if (outcome === 'unavailable') throw storageFailed(`cannot write lock file ${path}`, err)
        options.logger.warn('cannot record this process in the lock file; the lock holds all the same', { path, error: String(err) })
      })
      return () => releaseLock(fd, path, outcome === 'locked' ? undefined : mine)
    } catch (err) {
      await closeFd(fd).catch(() => {})
      throw err instanceof MetadataError ? err : storageFailed(`cannot lock ${path}`, err)
    }
  }
  throw new MetadataError('STORAGE_FAILED', `cannot take the lock file ${path}: another process keeps replacing it`)
}

// --- internal ---

/**
 * Opens (creating when missing) the lock file, mode 0640 whatever the umask (STO-1). Never through a symbolic link
 * (issue 16: nothing outside the data directory is touched). Read-only: flock needs no more, and a descriptor open
 * for writing would keep the file system from being remounted read-only. A numeric descriptor, not a FileHandle:
 * garbage collection must never close it, which would drop the lock.
 */
async function openLockFile(path: string): Promise<number> {
  let fd: number
  try {
    fd = await promisify(open)(path, constants.O_RDONLY | constants.O_CREAT | constants.O_NOFOLLOW, FILE_MODE)
  } catch (err) {
    throw storageFailed(`cannot open lock file ${path}`, err)
  }
  // Another user's file keeps its mode; ours gets 0640 even under a tighter or looser umask.
  await promisify(fchmod)(fd, FILE_MODE).catch(() => {})
  return fd
}

function lockedBy(dataDir: string, holder: LockHolder | undefined): MetadataError {
  const who = holder === undefined ? 'pid unknown' : `pid ${holder.pid} on ${holder.host}`
  return new MetadataError('STORAGE_FAILED', `data directory ${dataDir} is locked by another metadata-service process (${who})`)
}

/**
 * Removes the lock file if it is still ours, then closes the descriptor, which drops the kernel lock. Under the
 * kernel lock nobody else can have taken the file, so it is ours while it is still at `path`; under the fallback
 * rule (`recorded` given) it must also still record us. A file replaced or taken over meanwhile is left alone.
 */
async function releaseLock(fd: number, path: string, recorded: LockHolder | undefined): Promise<void> {
  try {
    const holder = recorded === undefined ? undefined : await readHolder(fd)
    const ours = recorded === undefined || (holder?.pid === recorded.pid && holder.host === recorded.host)
    if (ours && (await isAtPath(fd, path))) {
      await promisify(unlink)(path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err
      })
    }
  } catch (err) {
    throw storageFailed(`cannot remove lock file ${path}`, err)
  } finally {
    await closeFd(fd)
  }
}

const closeFd = (fd: number) => promisify(close)(fd)
