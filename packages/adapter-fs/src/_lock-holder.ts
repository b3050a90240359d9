import { close, constants, fstat, ftruncate, fsync, lstat, open, read, readFile, write } from 'node:fs'
import { promisify } from 'node:util'

// The lock file's content: who holds it, for the "locked by" message and the takeover warning (STO-5). With the
// kernel lock (_flock.ts) the content only informs; it decides only where flock(1) is missing (see
// `recordedHolderAlive`).

/** Who holds a lock (the file's JSON content). */
export interface LockHolder {
  readonly pid: number
  readonly host: string
}

/** The lock file's text for `holder`: `{"pid":<n>,"host":"<name>"}` and a newline (STO-5). */
export function holderText(holder: LockHolder): string {
  return `${JSON.stringify({ pid: holder.pid, host: holder.host })}\n`
}

/** The holder recorded in the open lock file `fd`, or `undefined` when it is empty or not `{pid, host}`. */
export async function readHolder(fd: number): Promise<LockHolder | undefined> {
  const buffer = Buffer.alloc(4096)
  const { bytesRead } = await promisify(read)(fd, buffer, 0, buffer.length, 0)
  try {
    const parsed = JSON.parse(buffer.subarray(0, bytesRead).toString('utf8')) as Partial<LockHolder>
    if (Number.isInteger(parsed.pid) && (parsed.pid as number) > 0 && typeof parsed.host === 'string') {
      return { pid: parsed.pid as number, host: parsed.host }
    }
  } catch {
    // empty or torn: no holder recorded
  }
  return undefined
}

/**
 * Writes `holder` over the content of the lock file `path`, which must still be the file open as `fd` (the kernel
 * lock is on that inode), in place, and fsyncs it. The write goes through a descriptor of its own, closed at once:
 * the one that holds the lock is read-only, so it never keeps the file system from being remounted read-only.
 * Rejects with the fs error (ENOSPC on a full disk, EROFS).
 */
export async function recordHolder(path: string, fd: number, holder: LockHolder): Promise<void> {
  const text = Buffer.from(holderText(holder), 'utf8')
  const out = await promisify(open)(path, constants.O_WRONLY | constants.O_NOFOLLOW)
  try {
    const [mine, theirs] = await Promise.all([promisify(fstat)(fd, { bigint: true }), promisify(fstat)(out, { bigint: true })])
    if (mine.dev !== theirs.dev || mine.ino !== theirs.ino) throw new Error('the lock file was replaced while being recorded')
    await promisify(write)(out, text, 0, text.length, 0)
    await promisify(ftruncate)(out, text.length)
    await promisify(fsync)(out)
  } finally {
    await promisify(close)(out)
  }
}

/** True while `path` names the very file open as `fd` (not removed, not replaced). */
export async function isAtPath(fd: number, path: string): Promise<boolean> {
  const open = await promisify(fstat)(fd, { bigint: true })
  try {
    const named = await promisify(lstat)(path, { bigint: true })
    return named.dev === open.dev && named.ino === open.ino
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
}

/**
 * The fallback rule where flock(1) is missing: whether the recorded holder may still be alive. Another host's
 * holder cannot be checked, so it counts as alive. A holder with this process's own pid is not another process
 * (a container's PID 1 restarted, issue 16). Otherwise the pid must exist and not be a zombie (`/proc/<pid>/stat`
 * state `Z`, where /proc exists): a zombie holds no files and writes nothing.
 */
export async function recordedHolderAlive(holder: LockHolder, mine: LockHolder): Promise<boolean> {
  if (holder.host !== mine.host) return true
  if (holder.pid === mine.pid) return false
  try {
    process.kill(holder.pid, 0)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  const stat = await promisify(readFile)(`/proc/${holder.pid}/stat`, 'utf8').catch(() => undefined)
  // Field 3, after the parenthesised command name (which may itself hold spaces and parentheses).
  return stat === undefined || stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
}
