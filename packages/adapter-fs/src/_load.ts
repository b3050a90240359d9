import { chmod, mkdir, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { KIND_LIST, type AnyResource, type KindInfo, type Logger, type StoreProblem } from '@metadata-service/core'
import { removeTempFiles } from './_atomic-write.js'
import { parseResourceFile } from './_parse-resource.js'
import { storageFailed } from './_storage-failed.js'

/** STO-1: directories are `0750`. */
const DIR_MODE = 0o750

/** What {@link loadDataDir} found. */
export interface Loaded {
  readonly resources: AnyResource[]
  /** Corrupt files, excluded and left on disk (STO-4). */
  readonly problems: StoreProblem[]
}

/**
 * STO-3: creates the kind directories when missing, removes leftover temp files (STO-2) and parses every
 * `<uid>.json` of every kind. A corrupt file is logged at error level and reported, never fatal (STO-4); a
 * directory that cannot be created or listed rejects with STORAGE_FAILED. Nothing that loads is rewritten.
 */
export async function loadDataDir(dataDir: string, logger: Logger): Promise<Loaded> {
  const loaded: Loaded = { resources: [], problems: [] }
  for (const kind of KIND_LIST) {
    const dir = join(dataDir, kind.dir)
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

/** Reads and parses each of `names` in `dir` into `into` (STO-4: unreadable and corrupt ones become problems). */
export async function readResourceFiles(kind: KindInfo, dir: string, names: readonly string[], into: Loaded): Promise<void> {
  for (const name of names) {
    const location = join(dir, name)
    let text: string
    try {
      text = await readFile(location, 'utf8')
    } catch (err) {
      into.problems.push({ kind: kind.kind, location, reason: `unreadable: ${(err as Error).message}` })
      continue
    }
    const parsed = parseResourceFile(kind, name, text)
    if (parsed.ok) into.resources.push(parsed.resource)
    else into.problems.push({ kind: kind.kind, location, reason: parsed.reason })
  }
}
