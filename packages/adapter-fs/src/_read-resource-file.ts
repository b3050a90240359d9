import { createHash } from 'node:crypto'
import { constants } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { ioErrorReason } from '@metadata-service/core/store'

/** One resource file as found on disk. */
export type FileRead =
  /** A regular file: its text and {@link fingerprint}. */
  | { readonly state: 'read'; readonly text: string; readonly digest: string }
  | { readonly state: 'missing' }
  /** A symbolic link or not a regular file: reported, never read (issue 16). `reason` quotes no content. */
  | { readonly state: 'refused'; readonly reason: string }
  /** Opening or reading failed (EACCES, EIO, ENOTDIR, …); `reason` is the error in words, without the path. */
  | { readonly state: 'failed'; readonly reason: string; readonly error: unknown }

/**
 * Reads `<kind dir>/<uid>.json` without following a symbolic link out of the data directory (`O_NOFOLLOW`) and
 * without blocking on a FIFO (`O_NONBLOCK`, then only regular files are read): a link to `/etc/shadow` placed in the
 * data directory is refused, not read (issue 16).
 */
export async function readResourceFile(path: string): Promise<FileRead> {
  let handle: FileHandle
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return { state: 'missing' }
    if (code === 'ELOOP') return { state: 'refused', reason: 'a symbolic link; not followed' }
    return { state: 'failed', reason: `unreadable: ${ioErrorReason(err)}`, error: err }
  }
  try {
    if (!(await handle.stat()).isFile()) return { state: 'refused', reason: 'not a regular file' }
    const bytes = await handle.readFile()
    return { state: 'read', text: bytes.toString('utf8'), digest: fingerprint(bytes) }
  } catch (err) {
    return { state: 'failed', reason: `unreadable: ${ioErrorReason(err)}`, error: err }
  } finally {
    await handle.close()
  }
}

/**
 * A short digest of a file's bytes (SHA-256, first 96 bits, base64), kept per resource to notice a file changed
 * on disk behind the service (issue 16). Not a security boundary: only whoever can write the data directory could
 * aim for a collision, and they can already write the file itself.
 */
export function fingerprint(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest().subarray(0, 12).toString('base64')
}
