import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ResourceStore } from '@metadata-service/core'
import { conflictText, createRecordingLogger } from '@metadata-service/core/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openFileStore } from '../src/file-store.js'

const meta = (name: string, uid: string) => ({
  name,
  uid,
  createdAt: '2024-06-01T08:00:00.123456789Z',
  updatedAt: '2024-06-02T09:30:00.987654321Z',
  resourceVersion: '3',
})

describe('openFileStore loading existing files (STO-1, STO-4)', () => {
  let root: string
  let store: ResourceStore | undefined
  const logger = createRecordingLogger()
  const put = async (dir: string, name: string, content: unknown) => {
    await mkdir(join(root, dir), { recursive: true })
    const path = join(root, dir, name)
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content))
    return path
  }
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'mds-load-'))
    logger.entries.length = 0
  })
  afterEach(async () => {
    await store?.close()
    store = undefined
    await rm(root, { recursive: true, force: true })
  })

  it('loads a file of an earlier version unchanged: rv "1", ns timestamps, defaults in memory only (RES-5)', async () => {
    const legacy = {
      apiVersion: 'cloud-init.openchami.io/v1',
      metadata: { name: 'demo', uid: 'clusterdefaults-0000beef', createdAt: '2024-06-01T08:00:00.123456789Z', updatedAt: '2024-06-02T09:30:00.987654321Z' },
      spec: { base_url: 'http://10.0.0.1:27777', cluster_name: 'demo' },
    }
    const path = await put('clusterdefaults', 'clusterdefaults-0000beef.json', legacy)
    const before = { text: await readFile(path, 'utf8'), mtime: (await stat(path)).mtimeMs }
    store = await openFileStore({ dataDir: root, logger })
    expect(await store.get('ClusterDefaults', 'clusterdefaults-0000beef')).toEqual({
      apiVersion: 'v1',
      kind: 'ClusterDefaults',
      metadata: { ...legacy.metadata, resourceVersion: '1' },
      spec: legacy.spec,
      status: { ready: false },
    })
    expect(store.problems()).toEqual([])
    expect({ text: await readFile(path, 'utf8'), mtime: (await stat(path)).mtimeMs }).toEqual(before)
    const stored = await store.update((await store.get('ClusterDefaults', 'clusterdefaults-0000beef'))!, '1')
    expect(stored.metadata.resourceVersion).toBe('2')
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(stored)
  })

  it('reports each corrupt file with kind, path and reason, logs it, leaves it on disk and still opens', async () => {
    const good = await put('groups', 'group-00000001.json', { kind: 'Group', metadata: meta('ok', 'group-00000001'), spec: {} })
    const cases: [string, string, unknown, string][] = [
      ['groups', 'group-0000000a.json', '{"metadata": ', 'invalid JSON (unexpected end)'],
      ['groups', 'group-00000011.json', '{\n  "metadata" {}\n}', 'invalid JSON at line 2, column 14'],
      ['groups', 'group-00000012.json', 'root:$6$secret-hash:19000:0:99999:7:::', 'invalid JSON'],
      ['groups', 'group-0000000b.json', { metadata: meta('b', 'group-0000000b'), spec: { template: 5 } },
        'schema: spec.template: Invalid input: expected string, received number'],
      ['groups', 'group-0000000c.json', { metadata: meta('c', 'group-0000000c'), spec: { bogus: 'x' } },
        'schema: spec: Unrecognized key: "bogus"'],
      ['groups', 'group-0000000d.json', { metadata: meta('d', 'group-0000000e'), spec: {} },
        'metadata.uid does not match the file name'],
      ['groups', 'group-0000000f.json', [], 'not a JSON object'],
      ['instanceinfos', 'instanceinfo-00000001.json', { kind: 'Group', metadata: meta('i', 'instanceinfo-00000001'), spec: {} },
        'kind is not InstanceInfo, so the file does not belong in instanceinfos/'],
      ['wireguardpeers', 'wireguardpeer-00000001.json', { apiVersion: 'v2', metadata: meta('w', 'wireguardpeer-00000001') },
        'unsupported apiVersion (expected v1 or cloud-init.openchami.io/v1)'],
      ['clusterdefaults', 'clusterdefaults-00000001.json', { metadata: { name: 'x' }, spec: { cluster_name: 'x' } },
        'schema: metadata.uid: Invalid input: expected string, received undefined; metadata.createdAt: Invalid input: expected string, received undefined; metadata.updatedAt: Invalid input: expected string, received undefined; spec.base_url: Invalid input: expected string, received undefined'],
    ]
    const paths: string[] = []
    for (const [dir, name, content] of cases) paths.push(await put(dir, name, content))
    await mkdir(join(root, 'groups', 'group-00000010.json'))
    const texts = await Promise.all(paths.map((p) => readFile(p, 'utf8')))

    store = await openFileStore({ dataDir: root, logger })
    expect((await store.list('Group')).map((g) => g.metadata.uid)).toEqual(['group-00000001'])
    expect(await store.list('InstanceInfo')).toEqual([])
    const problems = store.problems()
    const expected = [
      ...cases.map(([dir, , , reason], i) => ({ kind: kindOf(dir), location: paths[i], reason })),
      { kind: 'Group', location: join(root, 'groups', 'group-00000010.json'), reason: 'not a regular file' },
    ]
    expect(problems).toHaveLength(expected.length)
    for (const want of expected) {
      const got = problems.find((p) => p.location === want.location)
      expect(got?.kind).toBe(want.kind)
      expect(got?.reason).toBe(want.reason)
    }
    const errors = logger.entries.filter((e) => e.level === 'error')
    expect(errors.map((e) => e.fields)).toEqual(problems.map((p) => ({ kind: p.kind, path: p.location, reason: p.reason })))
    expect(errors.every((e) => e.message === 'corrupt resource file excluded; it stays on disk')).toBe(true)
    expect(await Promise.all(paths.map((p) => readFile(p, 'utf8')))).toEqual(texts)
    expect(JSON.parse(await readFile(good, 'utf8')).metadata.resourceVersion).toBe('3')
  })

  it('never overwrites a corrupt file with a new resource of the same uid', async () => {
    const path = await put('groups', 'group-0000000a.json', '{oops')
    store = await openFileStore({ dataDir: root, logger })
    const resource = { apiVersion: 'v1' as const, kind: 'Group' as const, metadata: meta('a', 'group-0000000a'), spec: { template: '' }, status: { valid: false } }
    await expect(store.create(resource)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'a file for Group group-0000000a that this service did not write is on disk; refused so that it is not overwritten (move it away, or restart the service to load it)',
    })
    expect(await readFile(path, 'utf8')).toBe('{oops')
    expect(await store.list('Group')).toEqual([])
  })

  it('loads every version of a name as the Go service left them; the latest is served, the files stay as they are (§16 RES-3)', async () => {
    const version = (uid: string, createdAt: string, template: string) => ({
      apiVersion: 'cloud-init.openchami.io/v1',
      kind: 'Group',
      metadata: { name: 'compute', uid, createdAt, updatedAt: createdAt },
      spec: { template },
    })
    const paths = [
      await put('groups', 'group-00000001.json', version('group-00000001', '2024-06-01T08:00:00.123456789Z', 'v1')),
      await put('groups', 'group-00000002.json', version('group-00000002', '2024-07-01T00:00:00Z', 'v3')),
      await put('groups', 'group-00000003.json', version('group-00000003', '2024-06-15T00:00:00.5Z', 'v2')),
    ]
    const before = await Promise.all(paths.map((p) => readFile(p, 'utf8')))
    store = await openFileStore({ dataDir: root, logger })
    const listed = await store.list('Group')
    expect(listed.map((g) => [g.metadata.uid, g.spec.template, g.status.supersededBy])).toEqual([
      ['group-00000001', 'v1', 'group-00000002'],
      ['group-00000003', 'v2', 'group-00000002'],
      ['group-00000002', 'v3', undefined],
    ])
    expect(store.superseded()).toEqual([
      { kind: 'Group', name: 'compute', served: 'group-00000002', superseded: ['group-00000001', 'group-00000003'] },
    ])
    expect(store.problems()).toEqual([])
    expect(await Promise.all(paths.map((p) => readFile(p, 'utf8')))).toEqual(before)
    // A write by name goes to the served one, and touches only its file.
    const served = listed[2]!
    await store.update({ ...served, spec: { template: 'v4' } }, '1')
    expect(JSON.parse(await readFile(paths[1]!, 'utf8')).spec.template).toBe('v4')
    expect(JSON.parse(await readFile(paths[1]!, 'utf8')).status).toEqual({ valid: false })
    expect([await readFile(paths[0]!, 'utf8'), await readFile(paths[2]!, 'utf8')]).toEqual([before[0], before[2]])
    const older = { ...listed[0]!, spec: { template: 'v1 changed' } }
    await expect(store.update(older, '1')).rejects.toMatchObject({ code: 'CONFLICT', message: conflictText('Group', 'compute', 'group-00000002') })
  })

  it('removes leftover temp files at open and leaves other files alone (STO-2)', async () => {
    await put('groups', 'group-00000001.json', { metadata: meta('ok', 'group-00000001'), spec: {} })
    await put('groups', 'group-00000001.json.tmp-3f2a9c', '{"half": ')
    await put('groups', 'group-00000002.json.tmp-', '')
    await put('groups', 'README', 'keep me')
    store = await openFileStore({ dataDir: root, logger })
    expect((await readdir(join(root, 'groups'))).sort()).toEqual(['README', 'group-00000001.json'])
    expect(store.problems()).toEqual([])
    expect(logger.entries).toContainEqual({
      level: 'warn',
      message: 'removed temp files of interrupted writes',
      fields: { dir: join(root, 'groups'), files: ['group-00000001.json.tmp-3f2a9c', 'group-00000002.json.tmp-'] },
    })
  })
})

function kindOf(dir: string): string {
  return { groups: 'Group', instanceinfos: 'InstanceInfo', wireguardpeers: 'WireGuardPeer', clusterdefaults: 'ClusterDefaults' }[dir]!
}
