import { randomBytes } from 'node:crypto'
import { chmod, link, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { checkWireGuardKey, generateWireGuardKeyPair } from '@metadata-service/core'

/** The key file's path under a data directory (WG-3). */
export function serverKeyPath(dataDir: string): string {
  return join(dataDir, 'wireguard', 'server.key')
}

/** Options of {@link loadOrCreateServerKey}. */
export interface ServerKeyOptions {
  /**
   * The base64 private key to create the file with when there is none, e.g. the Go service's key from its state
   * file (§16), so existing tunnels keep working. Default: a fresh key.
   */
  readonly initialKey?: string
}

/**
 * WG-3: the server's base64 X25519 private key from `<dataDir>/wireguard/server.key`, created on first use (the
 * directory `0700`, the file `0600`, appearing complete or not at all, so two starts cannot both create one) and
 * reused after. Surrounding whitespace in the file is ignored. An existing file always wins over
 * `options.initialKey`: the caller compares the result with it.
 *
 * Rejects with an `Error` naming the file when it cannot be read or does not hold base64 of 32 bytes; such a file
 * is never overwritten (the caller logs a device failure and runs without WireGuard). The key itself never appears
 * in a message (SEC-4).
 */
export async function loadOrCreateServerKey(dataDir: string, options: ServerKeyOptions = {}): Promise<string> {
  const dir = join(dataDir, 'wireguard')
  const file = serverKeyPath(dataDir)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  // mkdir's mode is filtered by the umask and ignored for an existing directory.
  await chmod(dir, 0o700)
  const existing = await readKey(file)
  if (existing !== undefined) return existing
  const privateKey = options.initialKey ?? generateWireGuardKeyPair().privateKey
  // Write a private temp file, then link it into place: the key file appears complete or not at all, and link()
  // refuses to replace one that another process created meanwhile.
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`
  try {
    await writeFile(temp, `${privateKey}\n`, { mode: 0o600, flag: 'wx' })
    await link(temp, file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return (await readKey(file)) as string
    throw new Error(`cannot create WireGuard server key ${file}: ${(err as Error).message}`, { cause: err })
  } finally {
    await rm(temp, { force: true })
  }
  return privateKey
}

// --- internal ---

/** The key in `file`, or `undefined` when the file does not exist. */
async function readKey(file: string): Promise<string | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new Error(`cannot read WireGuard server key ${file}: ${(err as Error).message}`, { cause: err })
  }
  const check = checkWireGuardKey(text)
  if (!check.ok) {
    const reason = check.message.replace('public_key', 'the key')
    throw new Error(`invalid WireGuard server key in ${file}: ${reason}`)
  }
  return check.key
}
