import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { chmod, link, lstat, mkdir, open, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  MetadataError,
  createSeedSubscribers,
  decodeSeedSecret,
  encodeSeedSecret,
  generateSeedSecret,
  initialSeedState,
  parseSeedEpochs,
  rotateAllIn,
  rotateNodesIn,
  seedEpochsFile,
  seedStoreClosed,
  type SeedTokenState,
  type SeedTokenStore,
} from '@metadata-service/core'
import { ioErrorReason } from '@metadata-service/core/store'
import { removeTempFiles, writeFileAtomic } from './_atomic-write.js'

/** Options of {@link openFileSeedTokenStore}. */
export interface FileSeedTokenStoreOptions {
  /** The data directory (`data_dir`), already locked by `openFileStore` (one writer). */
  dataDir: string
}

/** The seed token directory under a data directory: `<dataDir>/seed-tokens` (`0700`). */
export function seedTokenDir(dataDir: string): string {
  return join(dataDir, 'seed-tokens')
}

const SECRET_FILE = 'secret'
const EPOCHS_FILE = 'epochs.json'

/**
 * The {@link SeedTokenStore} of a file-based server (SEED): the secret in `<dataDir>/seed-tokens/secret`, kept like
 * the WireGuard server key (WG-3): created once (the file `0600`, the directory `0700`, appearing complete or not at
 * all), reused after, never rewritten, never logged; the epochs in `epochs.json` beside it, written atomically
 * (STO-2) on each rotation. Open it after `openFileStore`, whose data-directory lock makes this process the only
 * writer. Symbolic links are not followed (issue 16).
 *
 * Rejects with an `Error` naming the file when the secret or the epochs cannot be read or are invalid: such files
 * are never overwritten (a new secret, or epochs back at 0, would change every token or bring rotated ones back).
 */
export async function openFileSeedTokenStore(options: FileSeedTokenStoreOptions): Promise<SeedTokenStore> {
  const dir = seedTokenDir(options.dataDir)
  await prepareDir(dir)
  await removeTempFiles(dir)
  const secret = await loadOrCreateSecret(dir)
  const epochs = await readEpochs(dir)
  let state: SeedTokenState = { ...initialSeedState(secret), ...epochs }
  const listeners = createSeedSubscribers()
  let closed = false
  // One rotation at a time, so each writes the epochs after the previous one.
  let queue: Promise<unknown> = Promise.resolve()

  const change = (next: (current: SeedTokenState) => SeedTokenState): Promise<SeedTokenState> => {
    const run = queue.then(async () => {
      if (closed) throw seedStoreClosed()
      const after = next(state)
      if (after === state) return state
      try {
        await writeFileAtomic(dir, EPOCHS_FILE, `${JSON.stringify(seedEpochsFile(after), null, 2)}\n`)
      } catch (err) {
        // No path in the message (issue 16): a client of the admin API sees it.
        throw new MetadataError('STORAGE_FAILED', `cannot rotate seed tokens: ${ioErrorReason(err)}`, { cause: err })
      }
      state = after
      listeners.publish(state)
      return state
    })
    queue = run.catch(() => {})
    return run
  }

  return {
    current: () => state,
    rotateNodes: (xnames) => change((current) => rotateNodesIn(current, xnames)),
    rotateAll: () => change(rotateAllIn),
    subscribe: listeners.subscribe,
    async close() {
      closed = true
      listeners.clear()
      await queue
    },
  }
}

/**
 * The seed token state kept in `<dataDir>/seed-tokens/`, read without creating or changing anything (for `migrate`):
 * `undefined` when no secret was ever created. Rejects like {@link openFileSeedTokenStore} for unreadable or invalid
 * files. Take the data-directory lock first (`openFileStore`) so no server writes meanwhile.
 */
export async function readFileSeedTokenState(dataDir: string): Promise<SeedTokenState | undefined> {
  const dir = seedTokenDir(dataDir)
  const secret = await readSecret(join(dir, SECRET_FILE))
  if (secret === undefined) return undefined
  return { ...initialSeedState(secret), ...(await readEpochs(dir)) }
}

// --- internal ---

async function prepareDir(dir: string): Promise<void> {
  const stat = await lstat(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined
    throw new Error(`cannot read seed token directory ${dir}: ${ioErrorReason(err)}`, { cause: err })
  })
  if (stat?.isSymbolicLink()) throw new Error(`seed token directory ${dir} is a symbolic link; not followed`)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  // mkdir's mode is filtered by the umask and ignored for an existing directory.
  await chmod(dir, 0o700)
}

/** The secret, created on first use: a private temp file linked into place, so it appears complete or not at all. */
async function loadOrCreateSecret(dir: string): Promise<Uint8Array> {
  const file = join(dir, SECRET_FILE)
  const existing = await readSecret(file)
  if (existing !== undefined) return existing
  const secret = generateSeedSecret()
  const temp = join(dir, `${SECRET_FILE}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await writeFile(temp, `${encodeSeedSecret(secret)}\n`, { mode: 0o600, flag: 'wx' })
    // link() refuses to replace a secret another process created meanwhile: then that one is the secret.
    await link(temp, file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return (await readSecret(file)) as Uint8Array
    throw new Error(`cannot create seed token secret ${file}: ${ioErrorReason(err)}`, { cause: err })
  } finally {
    await rm(temp, { force: true })
  }
  return secret
}

async function readSecret(file: string): Promise<Uint8Array | undefined> {
  const text = await readPrivate(file, 'seed token secret')
  if (text === undefined) return undefined
  try {
    return decodeSeedSecret(text)
  } catch (err) {
    throw new Error(`invalid seed token secret in ${file}: ${(err as Error).message}`)
  }
}

async function readEpochs(dir: string): Promise<Pick<SeedTokenState, 'globalEpoch' | 'nodeEpochs'>> {
  const file = join(dir, EPOCHS_FILE)
  const text = await readPrivate(file, 'seed token epochs')
  if (text === undefined) return { globalEpoch: 0, nodeEpochs: new Map() }
  try {
    return parseSeedEpochs(text)
  } catch (err) {
    throw new Error(`invalid seed token epochs in ${file}: ${(err as Error).message}`)
  }
}

/** A regular file's text, `undefined` when absent; a symbolic link or anything else is refused (issue 16). */
async function readPrivate(file: string, what: string): Promise<string | undefined> {
  let handle
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined
    if (code === 'ELOOP') throw new Error(`${what} ${file} is a symbolic link; not followed`)
    throw new Error(`cannot read ${what} ${file}: ${ioErrorReason(err)}`, { cause: err })
  }
  try {
    if (!(await handle.stat()).isFile()) throw new Error(`${what} ${file} is not a regular file`)
    return await handle.readFile('utf8')
  } finally {
    await handle.close()
  }
}
