import { mkdir, mkdtemp, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ResourceStore } from '@metadata-service/core'
import { createRecordingLogger } from '@metadata-service/core/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openFileStore } from '../src/file-store.js'

// Issue 16: the data directory changed by hand while the service runs. A file removed by hand does not make DELETE
// fail forever; a file edited by hand is never silently overwritten (the write is refused with 409 and a log line,
// and a restart loads the edit); symbolic links are never followed out of the data directory, and no log line or
// client message quotes a file's content or a server path.

const group = (name: string, uid: string, template = '#cloud-config\n') => ({
  apiVersion: 'v1' as const,
  kind: 'Group' as const,
  metadata: { name, uid, createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z', resourceVersion: '1' },
  spec: { template },
  status: { valid: true },
})
const SECRET = 'root:$6$rounds=5000$very-secret-hash:19000:0:99999:7:::\n'

let root: string
let dataDir: string
let store: ResourceStore | undefined
const logger = createRecordingLogger()
const open = async () => (store = await openFileStore({ dataDir, logger }))
const fileOf = (uid: string) => join(dataDir, 'groups', `${uid}.json`)

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'mds-hand-'))
  dataDir = join(root, 'data')
  logger.entries.length = 0
})
afterEach(async () => {
  await store?.close()
  store = undefined
  await rm(root, { recursive: true, force: true })
})

describe('a resource file removed by hand', () => {
  it('deletes through the API all the same: 200, gone from memory, a second delete is NOT_FOUND', async () => {
    const s = await open()
    const created = await s.create(group('compute', 'group-00000001'))
    await unlink(fileOf('group-00000001'))
    expect(await s.delete('Group', 'group-00000001')).toEqual(created)
    expect(await s.list('Group')).toEqual([])
    await expect(s.delete('Group', 'group-00000001')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    // The uid is free again on disk and in memory.
    await s.create(group('compute', 'group-00000001'))
    expect(JSON.parse(await readFile(fileOf('group-00000001'), 'utf8')).metadata.name).toBe('compute')
  })

  it('is not written back by an update: 409, nothing on disk, memory unchanged', async () => {
    const s = await open()
    const created = await s.create(group('compute', 'group-00000001'))
    await unlink(fileOf('group-00000001'))
    await expect(s.update(group('compute', 'group-00000001', 'v2'), '1')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'Group group-00000001 was removed on disk outside the service; refused so that the removal is not undone (restart the service to drop it, or delete it)',
    })
    await expect(readFile(fileOf('group-00000001'))).rejects.toMatchObject({ code: 'ENOENT' })
    expect(await s.get('Group', 'group-00000001')).toEqual(created)
  })
})

describe('a resource file edited by hand', () => {
  it('is never overwritten: update and delete answer 409 and log the path; a restart loads the edit', async () => {
    const s = await open()
    await s.create(group('compute', 'group-00000001'))
    const edited = JSON.parse(await readFile(fileOf('group-00000001'), 'utf8')) as ReturnType<typeof group>
    edited.spec.template = '#cloud-config\nhostname: edited-by-hand\n'
    const text = JSON.stringify(edited)
    await writeFile(fileOf('group-00000001'), text)

    const changed = {
      code: 'CONFLICT',
      message: 'Group group-00000001 was changed on disk outside the service; refused so that the change is not lost (restart the service to load the file as it is now)',
    }
    await expect(s.update(group('compute', 'group-00000001', 'from the API'), '1')).rejects.toMatchObject(changed)
    await expect(s.delete('Group', 'group-00000001')).rejects.toMatchObject(changed)
    expect(await readFile(fileOf('group-00000001'), 'utf8')).toBe(text)
    expect(logger.entries.filter((e) => e.level === 'warn')).toEqual([
      ...[1, 2].map(() => ({
        level: 'warn',
        message: 'resource file changed on disk outside the service; write refused',
        fields: { kind: 'Group', uid: 'group-00000001', path: fileOf('group-00000001'), found: 'read' },
      })),
    ])

    await s.close()
    const reopened = await open()
    expect((await reopened.get('Group', 'group-00000001'))?.spec.template).toBe(edited.spec.template)
    const updated = await reopened.update({ ...edited, spec: { template: 'v3' } }, '1')
    expect(JSON.parse(await readFile(fileOf('group-00000001'), 'utf8'))).toEqual(updated)
  })

  it('counts a touch without a change as unchanged, and its own earlier writes as its own', async () => {
    const s = await open()
    await s.create(group('compute', 'group-00000001'))
    await writeFile(fileOf('group-00000001'), await readFile(fileOf('group-00000001')))
    const second = await s.update(group('compute', 'group-00000001', 'v2'), '1')
    expect((await s.update({ ...second, spec: { template: 'v3' } }, '2')).metadata.resourceVersion).toBe('3')
  })

  it('is not replaced through a symbolic link put in its place', async () => {
    const s = await open()
    await s.create(group('compute', 'group-00000001'))
    const outside = join(root, 'outside.json')
    await writeFile(outside, 'keep')
    await unlink(fileOf('group-00000001'))
    await symlink(outside, fileOf('group-00000001'))
    await expect(s.update(group('compute', 'group-00000001', 'v2'), '1')).rejects.toMatchObject({ code: 'CONFLICT' })
    expect(await readFile(outside, 'utf8')).toBe('keep')
  })
})

describe('symbolic links in the data directory (never followed)', () => {
  it('reports a linked resource file without reading it, and no log line quotes any file content', async () => {
    const shadow = join(root, 'shadow')
    const outsideGroup = join(root, 'group-00000002.json')
    await writeFile(shadow, SECRET)
    await writeFile(outsideGroup, JSON.stringify(group('outside', 'group-00000002')))
    await mkdir(join(dataDir, 'groups'), { recursive: true })
    await symlink(shadow, fileOf('group-00000001'))
    await symlink(outsideGroup, fileOf('group-00000002'))
    // And one regular corrupt file with the same bytes: its reason says where JSON failed, never what was there.
    await writeFile(fileOf('group-00000003'), SECRET)

    const s = await open()
    expect(await s.list('Group')).toEqual([])
    expect(s.problems()).toEqual([
      { kind: 'Group', location: fileOf('group-00000001'), reason: 'a symbolic link; not followed' },
      { kind: 'Group', location: fileOf('group-00000002'), reason: 'a symbolic link; not followed' },
      { kind: 'Group', location: fileOf('group-00000003'), reason: 'invalid JSON' },
    ])
    expect(logger.entries.filter((e) => e.level === 'error')).toHaveLength(3)
    expect(JSON.stringify(logger.entries)).not.toMatch(/root|secret|\$6\$/)
  })

  it('skips a linked kind directory: reported, nothing in it loaded, its writes refused, other kinds work', async () => {
    const elsewhere = join(root, 'elsewhere')
    await mkdir(elsewhere)
    await writeFile(join(elsewhere, 'group-00000002.json'), JSON.stringify(group('outside', 'group-00000002')))
    await mkdir(dataDir)
    await symlink(elsewhere, join(dataDir, 'groups'))

    const s = await open()
    expect(await s.list('Group')).toEqual([])
    expect(s.problems()).toEqual([
      { kind: 'Group', location: join(dataDir, 'groups'), reason: 'the kind directory is a symbolic link; not followed (nothing loaded, writes refused)' },
    ])
    await expect(s.create(group('compute', 'group-00000001'))).rejects.toMatchObject({
      code: 'STORAGE_FAILED',
      message: 'cannot write Group group-00000001: the groups directory is a symbolic link, which the service does not follow',
    })
    await expect(readFile(join(elsewhere, 'group-00000001.json'))).rejects.toMatchObject({ code: 'ENOENT' })
    const info = {
      apiVersion: 'v1' as const,
      kind: 'InstanceInfo' as const,
      metadata: { name: 'x1000c0s0b0n0', uid: 'instanceinfo-00000001', createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:00Z', resourceVersion: '1' },
      spec: { instance_id: 'i-1' },
      status: { ready: false },
    }
    await s.create(info)
    expect(await s.list('InstanceInfo')).toHaveLength(1)
  })
})
