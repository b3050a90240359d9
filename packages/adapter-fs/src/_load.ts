import { chmod, lstat, mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { KIND_LIST, type AnyResource, type KindInfo, type KindName, type Logger, type StoreProblem } from '@metadata-service/core'
import { removeTempFiles } from './_atomic-write.js'
import { parseResourceFile } from './_parse-resource.js'
import { readResourceFile } from './_read-resource-file.js'
import { storageFailed } from './_storage-failed.js'

/** STO-1: directories are `0750`. */
const DIR_MODE = 0o750

/** What {@link loadDataDir} found. */
export interface Loaded {
  readonly resources: AnyResource[]
  /** Corrupt files, excluded and left on disk (STO-4). */
  readonly problems: StoreProblem[]
  /** uid → fingerprint of the file each loaded resource came from (issue 16: hand edits are never overwritten). */
  readonly fingerprints: Map<string, string>
  /** Kinds whose directory is a symbolic link: not loaded, not written (issue 16). */
  readonly linkedKinds: Set<KindName>
}

/**
 * STO-3: creates the kind directories when missing, removes leftover temp files (STO-2) and parses every
 * `<uid>.json` of every kind. A corrupt file is logged at error level and reported, never fatal (STO-4); a
 * directory that cannot be created or listed rejects with STORAGE_FAILED. Nothing that loads is rewritten.
 * Symbolic links are not followed (issue 16): a linked kind directory or resource file is reported like a corrupt
 * file and skipped, and no reason quotes a file's content.
 */
export async function loadDataDir(dataDir: string, logger: Logger): Promise<Loaded> {
  const loaded: Loaded = { resources: [], problems: [], fingerprints: new Map(), linkedKinds: new Set() }
  for (const kind of KIND_LIST) {
    const dir = join(dataDir, kind.dir)
    if (await isSymbolicLink(dir)) {
      loaded.problems.push({ kind: kind.kind, location: dir, reason: 'the kind directory is a symbolic link; not followed (nothing loaded, writes refused)' })
      loaded.linkedKinds.add(kind.kind)
      continue
    }
    await ensureDir(dir)
    let names: string[]
    try {
      const removed = await removeTempFiles(dir)
      if (removed.length > 0) logger.warn('removed temp files of interrupted writes', { dir, files: removed })
      names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort()
    } catch (err) {
      throw storageFailed(`cannot list ${dir}`, err)
    }
    await readResourceFiles(kind, dir, names, loaded)
  }
  for (const problem of loaded.problems) {
    logger.error('corrupt resource file excluded; it stays on disk', {
      kind: problem.kind,
      path: problem.location,
      reason: problem.reason,
    })
  }
  return loaded
}

/** True when `path` is itself a symbolic link (lstat: the link, not its target); false when absent. */
async function isSymbolicLink(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isSymbolicLink()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw storageFailed(`cannot inspect ${path}`, err)
  }
}

/**
 * Creates `dir` (and parents) when missing, with mode `0750` on the directory itself (STO-1). An existing
 * directory keeps its mode. Rejects with STORAGE_FAILED.
 */
export async function ensureDir(dir: string): Promise<void> {
  try {
    const created = await mkdir(dir, { recursive: true, mode: DIR_MODE })
    // Explicit chmod: the umask must not change the STO-1 mode of a directory we created.
    if (created !== undefined) await chmod(dir, DIR_MODE)
  } catch (err) {
    throw storageFailed(`cannot create directory ${dir}`, err)
  }
}

/**
 * Reads and parses each of `names` in `dir` into `into` (STO-4: unreadable and corrupt ones become problems). Links
 * are not followed and no reason quotes a file's content (issue 16); a file gone since the listing is skipped.
 */
export async function readResourceFiles(
  kind: KindInfo,
  dir: string,
  names: readonly string[],
  into: Pick<Loaded, 'resources' | 'problems' | 'fingerprints'>,
): Promise<void> {
  for (const name of names) {
    const location = join(dir, name)
    const file = await readResourceFile(location)
    if (file.state !== 'read') {
      // A file gone since the listing is no problem: it was deleted meanwhile.
      if (file.state !== 'missing') into.problems.push({ kind: kind.kind, location, reason: file.reason })
      continue
    }
    const parsed = parseResourceFile(kind, name, file.text)
    if (!parsed.ok) {
      into.problems.push({ kind: kind.kind, location, reason: parsed.reason })
      continue
    }
    into.resources.push(parsed.resource)
    into.fingerprints.set(parsed.resource.metadata.uid, file.digest)
  }
}
