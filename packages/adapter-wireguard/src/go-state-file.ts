import { createHash, randomBytes } from 'node:crypto'
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** A state file of the Go service as read: its text and SHA-256 (hex), to record what was imported. */
export interface GoStateFile {
  readonly path: string
  readonly text: string
  readonly sha256: string
}

/** What `<dataDir>/wireguard/imported-state.json` records of the one import (§16: it happens once). */
export interface GoStateImportRecord {
  /** The state file's path as configured. */
  readonly file: string
  readonly sha256: string
  /** RFC 3339. */
  readonly importedAt: string
  /** Uids of the WireGuardPeers created. */
  readonly peers: readonly string[]
}

/**
 * Reads the Go service's WireGuard state file (`wireguard_state_file`). Resolves `undefined` when there is none
 * (nothing to import); rejects with an `Error` naming the file when it exists but cannot be read.
 */
export async function readGoStateFile(path: string): Promise<GoStateFile | undefined> {
  let bytes: Buffer
  try {
    bytes = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new Error(`cannot read ${path}: ${(err as Error).message}`, { cause: err })
  }
  return { path, text: bytes.toString('utf8'), sha256: createHash('sha256').update(bytes).digest('hex') }
}

/** Where the record of a done import lives: `<dataDir>/wireguard/imported-state.json`, beside `server.key`. */
export function importRecordPath(dataDir: string): string {
  return join(dataDir, 'wireguard', 'imported-state.json')
}

/** The record of an earlier import, or `undefined` when none was done. Rejects when the record cannot be read. */
export async function readImportRecord(dataDir: string): Promise<GoStateImportRecord | undefined> {
  const path = importRecordPath(dataDir)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new Error(`cannot read ${path}: ${(err as Error).message}`, { cause: err })
  }
  try {
    return JSON.parse(text) as GoStateImportRecord
  } catch (err) {
    throw new Error(`invalid ${path} (remove it to import the state file again): ${(err as Error).message}`, { cause: err })
  }
}

/** Writes the record of a done import (mode 0600, appearing complete or not at all). */
export async function writeImportRecord(dataDir: string, record: GoStateImportRecord): Promise<void> {
  const path = importRecordPath(dataDir)
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  try {
    await writeFile(temp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
    await rename(temp, path)
  } finally {
    await rm(temp, { force: true })
  }
}
