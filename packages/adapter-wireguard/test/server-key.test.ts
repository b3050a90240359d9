import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkWireGuardKey } from '@metadata-service/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadOrCreateServerKey, serverKeyPath } from '../src/index.js'

let dataDir: string
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mds-wgkey-'))
})
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

const mode = async (path: string) => (await stat(path)).mode & 0o777

describe('loadOrCreateServerKey (WG-3, AT-37, AT-48)', () => {
  it('creates a base64 32-byte key in <data_dir>/wireguard/server.key with 0600 in a 0700 directory', async () => {
    const key = await loadOrCreateServerKey(dataDir)
    const file = serverKeyPath(dataDir)
    expect(file).toBe(join(dataDir, 'wireguard', 'server.key'))
    expect(checkWireGuardKey(key)).toEqual({ ok: true, key })
    expect(await readFile(file, 'utf8')).toBe(`${key}\n`)
    expect(await mode(file)).toBe(0o600)
    expect(await mode(join(dataDir, 'wireguard'))).toBe(0o700)
  })

  it('reuses the key on the next start, and tightens a loose directory', async () => {
    const first = await loadOrCreateServerKey(dataDir)
    await chmod(join(dataDir, 'wireguard'), 0o755)
    expect(await loadOrCreateServerKey(dataDir)).toBe(first)
    expect(await mode(join(dataDir, 'wireguard'))).toBe(0o700)
  })

  it('gives concurrent first starts one key', async () => {
    const keys = await Promise.all([loadOrCreateServerKey(dataDir), loadOrCreateServerKey(dataDir)])
    expect(keys[1]).toBe(keys[0])
    expect(await readFile(serverKeyPath(dataDir), 'utf8')).toBe(`${keys[0]}\n`)
  })

  it('accepts a hand-written key with surrounding whitespace', async () => {
    await mkdir(join(dataDir, 'wireguard'), { recursive: true })
    await writeFile(serverKeyPath(dataDir), '  dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=\r\n')
    expect(await loadOrCreateServerKey(dataDir)).toBe('dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=')
  })

  it.each([
    ['not a key', 'the key must be valid base64'],
    ['AAAA', 'the key must decode to 32 bytes'],
    ['', 'the key is required'],
  ])('refuses an invalid key file (%j) and never overwrites it', async (content, reason) => {
    await mkdir(join(dataDir, 'wireguard'), { recursive: true })
    await writeFile(serverKeyPath(dataDir), content)
    await expect(loadOrCreateServerKey(dataDir)).rejects.toThrow(
      `invalid WireGuard server key in ${serverKeyPath(dataDir)}: ${reason}`,
    )
    expect(await readFile(serverKeyPath(dataDir), 'utf8')).toBe(content)
  })

  it('refuses an unreadable key file and leaves it alone', async () => {
    // A directory where the file should be: reading fails with EISDIR even as root.
    await mkdir(serverKeyPath(dataDir), { recursive: true })
    await expect(loadOrCreateServerKey(dataDir)).rejects.toThrow(`cannot read WireGuard server key ${serverKeyPath(dataDir)}: `)
    expect((await stat(serverKeyPath(dataDir))).isDirectory()).toBe(true)
  })
})
