import { randomBytes } from 'node:crypto'
import { open, readdir, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'

/** STO-1: resource files are `0640`. */
const FILE_MODE = 0o640

/** Matches the temp files of {@link writeFileAtomic}. */
const TEMP_FILE = /\.json\.tmp-[^/]*$/

/**
 * STO-2: writes `content` to `<dir>/<name>` so a crash leaves the old or the new file, never a torn one: write
 * `<name>.tmp-<rand>`, fsync it, rename it over `<name>`, fsync the directory. Rejects with the fs error; the temp
 * file is removed on failure when possible.
 */
export async function writeFileAtomic(dir: string, name: string, content: string): Promise<void> {
  const temp = join(dir, `${name}.tmp-${randomBytes(6).toString('hex')}`)
  try {
    const handle = await open(temp, 'wx', FILE_MODE)
    try {
      // Explicit chmod: the umask must not loosen or tighten the STO-1 mode.
      await handle.chmod(FILE_MODE)
      await handle.writeFile(content, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, join(dir, name))
  } catch (err) {
    await unlink(temp).catch(() => {})
    throw err
  }
  await syncDir(dir)
}

/** STO-2: unlinks `<dir>/<name>` and fsyncs the directory. Rejects with the fs error (ENOENT included). */
export async function removeFileDurably(dir: string, name: string): Promise<void> {
  await unlink(join(dir, name))
  await syncDir(dir)
}

/** True for the name of a leftover temp file of an interrupted write (`<uid>.json.tmp-<rand>`, STO-2). */
export function isTempFileName(name: string): boolean {
  return TEMP_FILE.test(name)
}

/** STO-2: removes leftover `*.json.tmp-*` files of interrupted writes in `dir`; resolves to the removed names. */
export async function removeTempFiles(dir: string): Promise<string[]> {
  const removed = (await readdir(dir)).filter((name) => TEMP_FILE.test(name)).sort()
  for (const name of removed) await unlink(join(dir, name))
  if (removed.length > 0) await syncDir(dir)
  return removed
}

// --- internal ---

/** Makes a rename or unlink in `dir` durable. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
