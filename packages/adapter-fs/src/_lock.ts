import { open, readFile, unlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { MetadataError, type Logger } from '@metadata-service/core'
import { storageFailed } from './_storage-failed.js'

/** STO-1: the lock file's name inside the data directory. */
export const LOCK_FILE = 'metadata-service.lock'

/** Who holds a lock (the file's JSON content). */
interface LockHolder {
  pid: number
  host: string
}

/** Options of {@link acquireLock}. */
export interface LockOptions {
  pid: number
  hostname: string
  logger: Logger
}

/**
 * STO-5: takes `<dataDir>/metadata-service.lock` for this process and resolves to its release function.
 * Rejects with STORAGE_FAILED when a live process on this host, or any process on another host, holds it; a
 * lock left by a dead pid on this host is taken over with a warning.
 */
export async function acquireLock(dataDir: string, options: LockOptions): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK_FILE)
  const mine: LockHolder = { pid: options.pid, host: options.hostname }
  // Two rounds: the second follows the removal of a stale lock. Losing that race to another starter ends in
  // the "locked by" error for the winner, never in two writers.
  for (let round = 0; round < 2; round += 1) {
    try {
      await createLockFile(path, mine)
      return () => releaseLock(path, mine)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw storageFailed(`cannot create lock file ${path}`, err)
    }
    const holder = await readHolder(path)
    if (holder.host !== options.hostname || isAlive(holder.pid)) {
      throw new MetadataError(
        'STORAGE_FAILED',
        `data directory ${dataDir} is locked by another metadata-service process (pid ${holder.pid} on ${holder.host})`,
      )
    }
    options.logger.warn('taking over the lock of a dead metadata-service process', { path, holderPid: holder.pid })
    await unlink(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw storageFailed(`cannot remove stale lock file ${path}`, err)
    })
  }
  throw new MetadataError('STORAGE_FAILED', `cannot take the lock file ${path}: another process keeps taking it`)
}

// --- internal ---

/** Creates the lock file exclusively (`wx`), mode 0640 whatever the umask (STO-1). */
async function createLockFile(path: string, mine: LockHolder): Promise<void> {
  const handle = await open(path, 'wx', 0o640)
  try {
    await handle.chmod(0o640)
    await handle.writeFile(`${JSON.stringify(mine)}\n`, 'utf8')
    await handle.sync()
  } finally {
    await handle.close()
  }
}

async function readHolder(path: string): Promise<LockHolder> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw storageFailed(`cannot read lock file ${path}`, err)
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>
    if (Number.isInteger(parsed.pid) && (parsed.pid as number) > 0 && typeof parsed.host === 'string') return parsed as LockHolder
  } catch {
    // reported below
  }
  // Without a readable holder we cannot tell a crash from a live writer: an operator must decide.
  throw new MetadataError(
    'STORAGE_FAILED',
    `lock file ${path} is unreadable (expected {"pid","host"}); remove it if no metadata-service process uses ${dirname(path)}`,
  )
}

/** True when `pid` exists (EPERM: it exists but belongs to another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Removes the lock if it is still ours; a lock taken over meanwhile is left alone. */
async function releaseLock(path: string, mine: LockHolder): Promise<void> {
  const current = await readFile(path, 'utf8').catch(() => undefined)
  if (current === undefined) return
  if (current.trim() !== JSON.stringify(mine)) return
  try {
    await unlink(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw storageFailed(`cannot remove lock file ${path}`, err)
  }
}
