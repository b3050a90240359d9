import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { KIND_LIST } from '@metadata-service/core'
import { isTempFileName } from './_atomic-write.js'
import { readResourceFiles, type Loaded } from './_load.js'
import { storageFailed } from './_storage-failed.js'

/** What {@link inspectDataDir} found, changing nothing. */
export interface DataDirInspection extends Pick<Loaded, 'resources' | 'problems' | 'fingerprints'> {
  /** Leftover temp files of interrupted writes (`<kind dir>/<name>`), which a start would remove (STO-2). */
  readonly tempFiles: string[]
  /** Kind directories that do not exist (a start would create them). */
  readonly missingDirs: string[]
}

/**
 * Reads `dataDir` as {@link loadDataDir} would load it, but strictly read-only (`migrate --check`): no directory
 * is created, no temp file removed, no lock taken, nothing logged. Rejects with STORAGE_FAILED when the data dir
 * itself, or a kind directory that exists, cannot be listed.
 */
export async function inspectDataDir(dataDir: string): Promise<DataDirInspection> {
  const found: DataDirInspection = { resources: [], problems: [], fingerprints: new Map(), tempFiles: [], missingDirs: [] }
  try {
    await readdir(dataDir)
  } catch (err) {
    throw storageFailed(`cannot list ${dataDir}`, err)
  }
  for (const kind of KIND_LIST) {
    const dir = join(dataDir, kind.dir)
    let entries: string[]
    try {
      entries = (await readdir(dir)).sort()
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw storageFailed(`cannot list ${dir}`, err)
      found.missingDirs.push(kind.dir)
      continue
    }
    found.tempFiles.push(...entries.filter(isTempFileName).map((name) => join(kind.dir, name)))
    await readResourceFiles(kind, dir, entries.filter((name) => name.endsWith('.json')), found)
  }
  return found
}
