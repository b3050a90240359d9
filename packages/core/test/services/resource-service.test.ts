import { describe, expect, it } from 'vitest'
import {
  clusterDefaultsConflictText,
  conflictText,
  createFixedClock,
  createMemoryStore,
  createSequenceRandom,
} from '@metadata-service/core/testing'
import { MetadataError, createResourceService, type KindChecks } from '@metadata-service/core'

const T0 = Date.UTC(2025, 0, 1)
const CD_BODY = {
  metadata: { name: 'test-cluster' },
  spec: { base_url: 'http://example.com', cluster_name: 'testcluster' },
}

function setup(kindChecks?: KindChecks) {
  const store = createMemoryStore()
  const clock = createFixedClock(T0)
  const service = createResourceService({ store, clock, random: createSequenceRandom(), kindChecks })
  return { store, clock, service }
}

describe('ResourceService create (RES-3, AT-41)', () => {
  it('creates with a prefixed random uid, v1, rv "1" and now timestamps', async () => {
    const service = createResourceService({ store: createMemoryStore(), clock: createFixedClock(T0) })
    const created = await service.create('ClusterDefaults', CD_BODY)
    expect(created.metadata.uid).toMatch(/^clusterdefaults-[0-9a-f]{8}$/)
    expect(created).toEqual({
      apiVersion: 'v1',
      kind: 'ClusterDefaults',
      metadata: {
        name: 'test-cluster',
        uid: created.metadata.uid,
        createdAt: '2025-01-01T00:00:00.000Z',
        updatedAt: '2025-01-01T00:00:00.000Z',
        resourceVersion: '1',
      },
      spec: { base_url: 'http://example.com', cluster_name: 'testcluster' },
      status: { ready: false },
    })
  })

  it('ignores status, uid and timestamps in the body and merges top-level labels and annotations', async () => {
    const { service, store } = setup()
    const created = await service.create('InstanceInfo', {
      apiVersion: 'cloud-init.openchami.io/v1',
      kind: 'InstanceInfo',
      metadata: {
        name: 'x1000c0s0b0n0',
        uid: 'mine',
        createdAt: 'then',
        resourceVersion: '9',
        labels: { a: '1', b: '1' },
      },
      labels: { b: '2' },
      annotations: { note: 'n' },
      spec: { instance_id: 'i-1' },
      status: { ready: true, phase: 'Ready' },
    })
    expect(created.metadata).toEqual({
      name: 'x1000c0s0b0n0',
      uid: 'instanceinfo-00000001',
      labels: { a: '1', b: '2' },
      annotations: { note: 'n' },
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
      resourceVersion: '1',
    })
    expect(created.status).toEqual({ ready: false })
    expect(await store.get('InstanceInfo', 'instanceinfo-00000001')).toEqual(created)
  })

  it('draws another uid when the first one is taken', async () => {
    const store = createMemoryStore()
    const random = createSequenceRandom()
    const first = createResourceService({ store, clock: createFixedClock(T0), random: createSequenceRandom() })
    await first.create('Group', { metadata: { name: 'a' } })
    const second = createResourceService({ store, clock: createFixedClock(T0), random })
    expect((await second.create('Group', { metadata: { name: 'b' } })).metadata.uid).toBe('group-00000002')
  })

  it('answers 409 on a taken name, on create and on a renaming PUT, naming the holder and the update command (RES-3)', async () => {
    const { service, store } = setup()
    await service.create('Group', { metadata: { name: 'compute' } })
    const other = await service.create('Group', { metadata: { name: 'other' } })
    const generation = store.generation()
    await expect(service.create('Group', { metadata: { name: 'compute' } })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: conflictText('Group', 'compute', 'group-00000001'),
    })
    await expect(service.replace('Group', other.metadata.uid, { metadata: { name: 'compute' } })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: conflictText('Group', 'compute', 'group-00000001'),
    })
    expect(store.generation()).toBe(generation)
  })

  it('answers 409 to a second ClusterDefaults under another name, naming the first (§16 one per cluster)', async () => {
    const { service, store } = setup()
    await service.create('ClusterDefaults', CD_BODY)
    const generation = store.generation()
    await expect(service.create('ClusterDefaults', { ...CD_BODY, metadata: { name: 'other' } })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: clusterDefaultsConflictText('test-cluster', 'clusterdefaults-00000001'),
    })
    await expect(service.create('ClusterDefaults', CD_BODY)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: conflictText('ClusterDefaults', 'test-cluster', 'clusterdefaults-00000001'),
    })
    expect(store.generation()).toBe(generation)
    expect(await store.list('ClusterDefaults')).toHaveLength(1)
  })

  it('rejects bodies that are not objects, bad versions and bad envelopes', async () => {
    const { service, store } = setup()
    for (const body of [null, [], 'x', 3]) {
      await expect(service.create('Group', body)).rejects.toMatchObject({
        code: 'INVALID_BODY',
        message: 'invalid request body: expected a JSON object',
      })
    }
    const v2 = await service.create('Group', { apiVersion: 'v2', metadata: { name: 'g' } }).catch((e: unknown) => e)
    expect(v2).toBeInstanceOf(MetadataError)
    expect(v2).toMatchObject({
      code: 'UNSUPPORTED_VERSION',
      message: 'Unsupported version',
      details: { requested: 'v2' },
    })
    await expect(service.create('Group', { spec: {} })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'validation failed: metadata.name is required',
    })
    await expect(service.create('ClusterDefaults', { metadata: { name: '' }, spec: {} })).rejects.toMatchObject({
      message: 'validation failed: base_url is required; cluster_name is required; metadata.name is required',
    })
    await expect(service.create('Group', { metadata: { name: 'a b' } })).rejects.toMatchObject({
      message: "validation failed: metadata.name of a Group may hold only letters, digits, '-', ':', '.' and '_'",
    })
    await expect(
      service.create('Group', {
        apiVersion: 1,
        metadata: { name: 2, labels: { a: 1 } },
        annotations: [],
        spec: { x: 1 },
      }),
    ).rejects.toMatchObject({
      message:
        'validation failed: apiVersion must be a string; metadata.name must be a string; ' +
        'metadata.labels must be an object with string values; annotations must be an object with string values; ' +
        'unknown fields in spec: [x]',
    })
    await expect(service.create('Group', { metadata: 'g' })).rejects.toMatchObject({
      message: 'validation failed: metadata must be an object; metadata.name is required',
    })
    expect(store.generation()).toBe(0)
  })

  it('runs the injected kind check after RES-9 and stores nothing when it rejects', async () => {
    const seen: (string | undefined)[] = []
    const { service, store } = setup({
      InstanceInfo: async (spec, ctx) => {
        seen.push(ctx.uid)
        if (spec.instance_id === 'taken') throw new MetadataError('VALIDATION_FAILED', 'validation failed: taken')
      },
    })
    const created = await service.create('InstanceInfo', { metadata: { name: 'n' }, spec: { instance_id: 'i' } })
    await service.replace('InstanceInfo', created.metadata.uid, { spec: { instance_id: 'j' } })
    const taken = { metadata: { name: 'm' }, spec: { instance_id: 'taken' } }
    await expect(service.create('InstanceInfo', taken)).rejects.toThrow('validation failed: taken')
    await expect(service.create('InstanceInfo', { metadata: { name: 'm' }, spec: {} })).rejects.toThrow(
      'validation failed: instance_id is required',
    )
    expect(seen).toEqual([undefined, created.metadata.uid, undefined])
    expect(store.generation()).toBe(2)
  })
})

describe('ResourceService get, list and delete (RES-1, AT-44)', () => {
  it('answers unknown uids with the RES-8 text', async () => {
    const { service } = setup()
    const notFound = {
      code: 'NOT_FOUND',
      message: 'Group not found: failed to load Group group-deadbeef: resource not found',
    }
    await expect(service.get('Group', 'group-deadbeef')).rejects.toMatchObject(notFound)
    await expect(service.delete('Group', 'group-deadbeef')).rejects.toMatchObject(notFound)
    await expect(service.replace('Group', 'group-deadbeef', {})).rejects.toMatchObject(notFound)
    await expect(service.patch('Group', 'group-deadbeef', {}, 'merge')).rejects.toMatchObject(notFound)
    await expect(service.replaceStatus('Group', 'group-deadbeef', {})).rejects.toMatchObject(notFound)
    await expect(service.delete('Group', 'group-deadbeef', { ifMatch: '"1"' })).rejects.toMatchObject(notFound)
  })

  it('lists by createdAt then uid, filters by exact name, and deletes', async () => {
    const { service, clock } = setup()
    expect(await service.list('Group')).toEqual([])
    const compute = await service.create('Group', { metadata: { name: 'compute' } })
    clock.advance(1000)
    const green = await service.create('Group', { metadata: { name: 'green' } })
    expect((await service.list('Group')).map((g) => g.metadata.name)).toEqual(['compute', 'green'])
    expect(await service.list('Group', { name: 'green' })).toEqual([green])
    expect(await service.list('Group', { name: 'gree' })).toEqual([])
    expect(await service.get('Group', compute.metadata.uid)).toEqual(compute)
    expect(await service.delete('Group', compute.metadata.uid)).toEqual(compute)
    expect(await service.list('Group')).toEqual([green])
  })

  it('honours If-Match on delete', async () => {
    const { service } = setup()
    const g = await service.create('Group', { metadata: { name: 'g' } })
    await expect(service.delete('Group', g.metadata.uid, { ifMatch: '"2"' })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: 'precondition failed: current resourceVersion is 1',
    })
    expect(await service.delete('Group', g.metadata.uid, { ifMatch: '1' })).toEqual(g)
  })
})

describe('ResourceService replace (RES-4)', () => {
  it('renames, merges labels, replaces the spec and keeps uid, createdAt and status', async () => {
    const { service, clock } = setup()
    const created = await service.create('InstanceInfo', {
      metadata: { name: 'n0', labels: { a: '1' } },
      spec: { instance_id: 'i-1', hostname: 'h' },
    })
    clock.advance(5000)
    const replaced = await service.replace('InstanceInfo', created.metadata.uid, {
      metadata: { name: 'n1', labels: { b: '2' } },
      annotations: { c: '3' },
      spec: { instance_id: 'i-2' },
    })
    expect(replaced).toEqual({
      ...created,
      metadata: {
        name: 'n1',
        uid: created.metadata.uid,
        labels: { a: '1', b: '2' },
        annotations: { c: '3' },
        createdAt: '2025-01-01T00:00:00.000Z',
        updatedAt: '2025-01-01T00:00:05.000Z',
        resourceVersion: '2',
      },
      spec: { instance_id: 'i-2' },
    })
    const body = { metadata: { name: '' }, spec: { instance_id: 'i-3' } }
    const kept = await service.replace('InstanceInfo', created.metadata.uid, body)
    expect(kept.metadata.name).toBe('n1')
  })

  it('treats a missing spec as {} and validates it', async () => {
    const { service, store } = setup()
    const cd = await service.create('ClusterDefaults', CD_BODY)
    await expect(service.replace('ClusterDefaults', cd.metadata.uid, { metadata: {} })).rejects.toMatchObject({
      message: 'validation failed: base_url is required; cluster_name is required',
    })
    expect(await store.get('ClusterDefaults', cd.metadata.uid)).toEqual(cd)
    const g = await service.create('Group', { metadata: { name: 'g' }, spec: { description: 'd' } })
    expect((await service.replace('Group', g.metadata.uid, {})).spec).toEqual({ template: '' })
  })
})

describe('ResourceService If-Match and PATCH (RES-5, RES-6, AT-43)', () => {
  it('answers 412 on a stale If-Match and succeeds on the current one', async () => {
    const { service, store } = setup()
    const g = await service.create('Group', { metadata: { name: 'g' }, spec: { metaData: { color: 'green' } } })
    const uid = g.metadata.uid
    const generation = store.generation()
    await expect(service.replace('Group', uid, { spec: {} }, { ifMatch: '"7"' })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: 'precondition failed: current resourceVersion is 1',
    })
    expect(store.generation()).toBe(generation)
    const replaced = await service.replace('Group', uid, { spec: { metaData: { color: 'green' } } }, { ifMatch: '"1"' })
    expect(replaced.metadata.resourceVersion).toBe('2')
    expect((await service.replace('Group', uid, { spec: {} }, { ifMatch: '*' })).metadata.resourceVersion).toBe('3')
    expect((await service.replace('Group', uid, { spec: {} }, { ifMatch: 'W/"3"' })).metadata.resourceVersion).toBe('4')
  })

  it('patches the spec by merge, JSON Patch and shorthand, then validates the result', async () => {
    const { service, store } = setup()
    const group = { metadata: { name: 'g' }, spec: { metaData: { color: 'green' } } }
    const uid = (await service.create('Group', group)).metadata.uid
    const mergePatch = { description: 'd', metaData: { size: 'xl' } }
    const merged = await service.patch('Group', uid, mergePatch, 'merge', { ifMatch: '"1"' })
    expect(merged.spec).toEqual({ template: '', description: 'd', metaData: { color: 'green', size: 'xl' } })
    const jsonPatch = [{ op: 'replace', path: '/metaData/color', value: 'blue' }]
    const jsonPatched = await service.patch('Group', uid, jsonPatch, 'json-patch')
    expect(jsonPatched.spec.metaData).toEqual({ color: 'blue', size: 'xl' })
    const shorthand = await service.patch('Group', uid, { 'metaData.size': null, 'metaData.rack': 'r1' }, 'shorthand')
    expect(shorthand.spec.metaData).toEqual({ color: 'blue', rack: 'r1' })
    expect(shorthand.metadata.resourceVersion).toBe('4')

    const generation = store.generation()
    await expect(
      service.patch('Group', uid, [{ op: 'test', path: '/metaData/color', value: 'green' }], 'json-patch'),
    ).rejects.toMatchObject({
      code: 'PATCH_FAILED',
      message: 'failed to apply patch to spec: operation 0 (test /metaData/color): value differs',
    })
    await expect(service.patch('Group', uid, { bogus: 'x' }, 'merge')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'validation failed: unknown fields in spec: [bogus]',
    })
    await expect(service.patch('Group', uid, 'x', 'merge')).rejects.toMatchObject({
      message: 'validation failed: spec must be an object',
    })
    await expect(service.patch('Group', uid, { metaData: null }, 'merge', { ifMatch: '1' })).rejects.toMatchObject({
      message: 'precondition failed: current resourceVersion is 4',
    })
    expect(store.generation()).toBe(generation)
  })

  it('lets every concurrent writer without If-Match succeed, the last one winning', async () => {
    const { service } = setup()
    const uid = (await service.create('Group', { metadata: { name: 'g' } })).metadata.uid
    const writes = Array.from({ length: 8 }, (_, i) =>
      service.patch('Group', uid, { metaData: { [`k${i}`]: String(i) } }, 'merge'),
    )
    const results = await Promise.all(writes)
    expect(results.map((r) => r.metadata.resourceVersion).sort((a, b) => Number(a) - Number(b))).toEqual(
      ['2', '3', '4', '5', '6', '7', '8', '9'],
    )
    const final = await service.get('Group', uid)
    expect(final.metadata.resourceVersion).toBe('9')
    expect(Object.keys(final.spec.metaData ?? {}).sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7'])
  })

  it('lets exactly one of two concurrent writers with the same If-Match win', async () => {
    const { service } = setup()
    const uid = (await service.create('Group', { metadata: { name: 'g' } })).metadata.uid
    const outcomes = await Promise.allSettled([
      service.replace('Group', uid, { spec: { description: 'a' } }, { ifMatch: '"1"' }),
      service.replace('Group', uid, { spec: { description: 'b' } }, { ifMatch: '"1"' }),
    ])
    const fulfilled = outcomes.filter((o) => o.status === 'fulfilled')
    const rejected = outcomes.filter((o) => o.status === 'rejected')
    expect(fulfilled).toHaveLength(1)
    expect(rejected).toHaveLength(1)
    expect(rejected[0]?.reason).toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: 'precondition failed: current resourceVersion is 2',
    })
    expect((await service.get('Group', uid)).metadata.resourceVersion).toBe('2')
  })
})
