import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KINDS, KIND_LIST, silentLogger, type AnyResource, type ResourceChange, type ResourceStore } from '@metadata-service/core'
import { createRecordingLogger, describeResourceStore } from '@metadata-service/core/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openFileStore } from '../src/file-store.js'

const sample = (name: string, uid: string) => ({
  apiVersion: 'v1' as const,
  kind: 'Group' as const,
  metadata: { name, uid, createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z', resourceVersion: '1' },
  spec: { template: '#cloud-config\n', metaData: { color: 'red' } },
  status: { valid: true },
})

// A data dir that does not exist yet: openFileStore creates it. Seeded: the files an earlier writer left.
const openOn = async (seed: readonly AnyResource[]) => {
  const root = await mkdtemp(join(tmpdir(), 'mds-fs-'))
  for (const resource of seed) {
    const dir = join(root, 'data', KINDS[resource.kind].dir)
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, `${resource.metadata.uid}.json`), JSON.stringify(resource))
  }
  const store = await openFileStore({ dataDir: join(root, 'data'), logger: silentLogger })
  return { store, cleanup: () => rm(root, { recursive: true, force: true }) }
}
describeResourceStore('adapter-fs', () => openOn([]), { seeded: openOn })

describe('openFileStore on disk', () => {
  let root: string
  let dataDir: string
  let store: ResourceStore | undefined
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'mds-fs-'))
    dataDir = join(root, 'data')
  })
  afterEach(async () => {
    await store?.close()
    store = undefined
    await rm(root, { recursive: true, force: true })
  })

  it('finds every write again after a reopen, one JSON file per resource (STO-1, STO-3)', async () => {
    store = await openFileStore({ dataDir, logger: silentLogger })
    await store.create(sample('compute', 'group-00000001'))
    await store.create(sample('io', 'group-00000002'))
    await store.create(sample('gone', 'group-00000003'))
    const updated = await store.update({ ...sample('compute', 'group-00000001'), spec: { template: 'v2' } }, '1')
    await store.delete('Group', 'group-00000003')
    const before = await store.list('Group')
    await store.close()
    store = await openFileStore({ dataDir, logger: silentLogger })
    expect(await store.list('Group')).toEqual(before)
    expect(await store.get('Group', 'group-00000001')).toEqual(updated)
    expect(store.problems()).toEqual([])
    const text = await readFile(join(dataDir, 'groups', 'group-00000001.json'), 'utf8')
    expect(text).toBe(`${JSON.stringify(updated, null, 2)}\n`)
    await expect(stat(join(dataDir, 'groups', 'group-00000003.json'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('creates directories 0750 and files 0640 whatever the umask (STO-1)', async () => {
    const previous = process.umask(0o077)
    try {
      store = await openFileStore({ dataDir, logger: silentLogger })
      await store.create(sample('compute', 'group-00000001'))
    } finally {
      process.umask(previous)
    }
    const mode = async (path: string) => (await stat(path)).mode & 0o777
    expect(await mode(dataDir)).toBe(0o750)
    for (const kind of KIND_LIST) expect(await mode(join(dataDir, kind.dir))).toBe(0o750)
    expect(await mode(join(dataDir, 'groups', 'group-00000001.json'))).toBe(0o640)
    expect(await mode(join(dataDir, 'metadata-service.lock'))).toBe(0o640)
  })

  it('rejects a failed write with STORAGE_FAILED and changes nothing in memory (STO-2)', async () => {
    const logger = createRecordingLogger()
    store = await openFileStore({ dataDir, logger })
    const kept = await store.create(sample('compute', 'group-00000001'))
    const changes: ResourceChange[] = []
    store.subscribe((change) => changes.push(change))
    const generation = store.generation()
    // Root ignores file modes, so break the kind directory by replacing it with a file.
    const groups = join(dataDir, 'groups')
    await rename(groups, `${groups}.away`)
    await writeFile(groups, '')

    // The message says what failed in words; the path is only in the cause, which goes to the log (issue 16).
    const createFailure = await store.create(sample('io', 'group-00000002')).catch((err: unknown) => err)
    expect(createFailure).toMatchObject({ name: 'MetadataError', code: 'STORAGE_FAILED', message: 'cannot write Group group-00000002: not a directory (ENOTDIR)' })
    expect((createFailure as Error).cause).toMatchObject({ code: 'ENOTDIR', message: expect.stringContaining(`${groups}/group-00000002.json`) })
    await expect(store.update({ ...kept, spec: { template: 'new' } }, '1')).rejects.toMatchObject({
      code: 'STORAGE_FAILED',
      message: 'cannot write Group group-00000001: not a directory (ENOTDIR)',
    })
    await expect(store.delete('Group', 'group-00000001')).rejects.toMatchObject({
      code: 'STORAGE_FAILED',
      message: 'cannot delete Group group-00000001: not a directory (ENOTDIR)',
    })

    expect(await store.list('Group')).toEqual([kept])
    expect(store.generation()).toBe(generation)
    expect(changes).toEqual([])
    // The queue survives failures: the next write is attempted and succeeds once the directory is back.
    await rm(groups)
    await rename(`${groups}.away`, groups)
    expect((await store.update({ ...kept, spec: { template: 'new' } }, '1')).metadata.resourceVersion).toBe('2')
    expect(logger.entries).toEqual([])
  })

  it('rejects a failed open with STORAGE_FAILED and releases the lock', async () => {
    await openFileStore({ dataDir, logger: silentLogger }).then((s) => s.close())
    const groups = join(dataDir, 'groups')
    await rm(groups, { recursive: true })
    await writeFile(groups, 'not a directory')
    await expect(openFileStore({ dataDir, logger: silentLogger })).rejects.toMatchObject({
      code: 'STORAGE_FAILED',
      message: expect.stringMatching(`^cannot (create directory|list) ${groups}: `),
    })
    await expect(stat(join(dataDir, 'metadata-service.lock'))).rejects.toMatchObject({ code: 'ENOENT' })
  })
})
