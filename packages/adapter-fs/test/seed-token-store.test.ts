import { mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encodeSeedSecret } from '@metadata-service/core'
import { describeSeedTokenStore } from '@metadata-service/core/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openFileSeedTokenStore, readFileSeedTokenState, seedTokenDir } from '../src/seed-token-store.js'

describeSeedTokenStore('adapter-fs', async () => {
  const root = await mkdtemp(join(tmpdir(), 'mds-seed-'))
  const dataDir = join(root, 'data')
  return {
    store: await openFileSeedTokenStore({ dataDir }),
    reopen: () => openFileSeedTokenStore({ dataDir }),
    cleanup: () => rm(root, { recursive: true, force: true }),
  }
}, { durable: true })

describe('the seed token files (SEED: kept like the WireGuard key)', () => {
  let root: string
  let dataDir: string
  let dir: string
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'mds-seed-'))
    dataDir = join(root, 'data')
    dir = seedTokenDir(dataDir)
  })
  afterEach(() => rm(root, { recursive: true, force: true }))

  it('creates the secret once, 0600 in a 0700 directory, and the epochs on the first rotation', async () => {
    const store = await openFileSeedTokenStore({ dataDir })
    expect((await stat(dir)).mode & 0o777).toBe(0o700)
    expect((await stat(join(dir, 'secret'))).mode & 0o777).toBe(0o600)
    expect((await readFile(join(dir, 'secret'), 'utf8')).trim()).toBe(encodeSeedSecret(store.current().secret))
    expect(await readdir(dir)).toEqual(['secret'])
    await store.rotateNodes(['x1000c0s0b0n0'])
    expect(JSON.parse(await readFile(join(dir, 'epochs.json'), 'utf8'))).toEqual({ globalEpoch: 0, nodes: { x1000c0s0b0n0: 1 } })
    await store.close()
  })

  it('gives two processes opening at once the same secret', async () => {
    const stores = await Promise.all(Array.from({ length: 8 }, () => openFileSeedTokenStore({ dataDir })))
    const secrets = new Set(stores.map((s) => encodeSeedSecret(s.current().secret)))
    expect(secrets.size).toBe(1)
    expect((await readdir(dir)).sort()).toEqual(['secret'])
    for (const s of stores) await s.close()
  })

  it('tightens a directory left open by someone else', async () => {
    await mkdir(dir, { recursive: true, mode: 0o755 })
    await (await openFileSeedTokenStore({ dataDir })).close()
    expect((await stat(dir)).mode & 0o777).toBe(0o700)
  })

  it.each([
    ['not base64', 'secret!!', 'the secret is not base64'],
    ['too short', 'AAECAwQ=', 'the secret must decode to 32 bytes, not 5'],
  ])('refuses a secret that is %s, names the file, quotes nothing and leaves it as it is', async (_, text, reason) => {
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, 'secret'), text)
    const open = openFileSeedTokenStore({ dataDir })
    await expect(open).rejects.toThrow(`invalid seed token secret in ${join(dir, 'secret')}: ${reason}`)
    await expect(open).rejects.not.toThrow(text)
    expect(await readFile(join(dir, 'secret'), 'utf8')).toBe(text)
  })

  it('refuses corrupt epochs rather than start over at 0 (rotated tokens would come back)', async () => {
    await (await openFileSeedTokenStore({ dataDir })).close()
    await writeFile(join(dir, 'epochs.json'), '{"globalEpoch": "one"}')
    await expect(openFileSeedTokenStore({ dataDir })).rejects.toThrow(
      `invalid seed token epochs in ${join(dir, 'epochs.json')}: globalEpoch must be a whole number of 0 or more`,
    )
  })

  it('does not follow a symbolic link for the secret or the directory', async () => {
    await mkdir(dir, { recursive: true })
    await writeFile(join(root, 'elsewhere'), `${encodeSeedSecret(new Uint8Array(32))}\n`)
    await symlink(join(root, 'elsewhere'), join(dir, 'secret'))
    await expect(openFileSeedTokenStore({ dataDir })).rejects.toThrow('is a symbolic link; not followed')
    await rm(dir, { recursive: true })
    await mkdir(join(root, 'other'))
    await symlink(join(root, 'other'), dir)
    await expect(openFileSeedTokenStore({ dataDir })).rejects.toThrow(`seed token directory ${dir} is a symbolic link; not followed`)
  })

  it('fails a rotation it cannot write with STORAGE_FAILED naming no path, and keeps the old epochs', async () => {
    const store = await openFileSeedTokenStore({ dataDir })
    await store.rotateNodes(['x1000c0s0b0n0'])
    await rm(dir, { recursive: true })
    const failed = store.rotateNodes(['x1000c0s0b0n0'])
    await expect(failed).rejects.toMatchObject({ code: 'STORAGE_FAILED', message: expect.stringMatching(/^cannot rotate seed tokens: /) })
    await expect(failed).rejects.not.toThrow(root)
    expect(store.current().nodeEpochs.get('x1000c0s0b0n0')).toBe(1)
    await store.close()
  })
})

describe('readFileSeedTokenState (migrate)', () => {
  it('reads the secret and epochs without creating anything', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mds-seed-'))
    const dataDir = join(root, 'data')
    expect(await readFileSeedTokenState(dataDir)).toBeUndefined()
    await expect(stat(seedTokenDir(dataDir))).rejects.toMatchObject({ code: 'ENOENT' })
    const store = await openFileSeedTokenStore({ dataDir })
    await store.rotateNodes(['x1000c0s0b0n0'])
    await store.rotateAll()
    expect(await readFileSeedTokenState(dataDir)).toEqual(store.current())
    await store.close()
    await rm(root, { recursive: true, force: true })
  })
})
