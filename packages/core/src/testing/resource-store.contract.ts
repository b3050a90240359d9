import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AnyResource } from '../domain/kinds.js'
import { KIND_NAMES } from '../domain/metadata.js'
import type { ResourceChange, ResourceStore } from '../ports/resource-store.js'
import { sampleResource } from './_resource-samples.js'
import { conflictText } from './conflict-texts.js'
import { describeSupersededResources } from './superseded.contract.js'

/** What a contract-suite factory returns: a fresh, empty store and how to dispose of it. */
export interface ResourceStoreFixture {
  store: ResourceStore
  /** Runs after each test, after the suite closed the store. */
  cleanup?: () => Promise<void>
}

const group = (name: string, uid: string, createdAt?: string) =>
  sampleResource('Group', name, uid, createdAt === undefined ? {} : { createdAt })

/** What a store can be opened on besides an empty state, for the §16 RES-3 tests. */
export interface ResourceStoreSeeding {
  /** Opens a fresh store that starts with `seed` loaded as it is (as files or rows an earlier writer left). */
  readonly seeded: (seed: readonly AnyResource[]) => Promise<ResourceStoreFixture>
  /**
   * False when the store cannot hold two resources of a kind with one name at all (PostgreSQL's unique index):
   * only the ClusterDefaults cases (several names, one cluster) run then. Default true.
   */
  readonly duplicateNames?: boolean
}

/**
 * The {@link ResourceStore} contract, run against every implementation (STYLE 6): the memory fake in core and
 * adapter-fs on a temp directory. `factory` is called once per test and must return an empty store. With
 * `seeding`, the suite also checks how a store serves a data dir that holds one name several times (§16 RES-3).
 */
export function describeResourceStore(
  name: string,
  factory: () => Promise<ResourceStoreFixture>,
  seeding?: ResourceStoreSeeding,
): void {
  if (seeding !== undefined) describeSupersededResources(name, factory, seeding)
  describe(`ResourceStore contract: ${name}`, () => {
    let store: ResourceStore
    let fixture: ResourceStoreFixture
    beforeEach(async () => {
      fixture = await factory()
      store = fixture.store
    })
    afterEach(async () => {
      await store.close()
      await fixture.cleanup?.()
    })

    it('starts empty, without problems', async () => {
      for (const kind of KIND_NAMES) expect(await store.list(kind)).toEqual([])
      expect(await store.get('Group', 'group-00000001')).toBeUndefined()
      expect(store.problems()).toEqual([])
    })

    it('stores every kind exactly as given and keeps kinds apart', async () => {
      for (const kind of KIND_NAMES) {
        const resource = sampleResource(kind, 'same-name', `${kind.toLowerCase()}-00000001`)
        expect(await store.create(resource)).toEqual(resource)
        expect(await store.get(kind, resource.metadata.uid)).toEqual(resource)
        expect(await store.list(kind)).toEqual([resource])
      }
      expect(await store.get('Group', 'instanceinfo-00000001')).toBeUndefined()
    })

    it('keeps labels, annotations and nanosecond timestamps verbatim', async () => {
      const resource = sampleResource('InstanceInfo', 'n1', 'instanceinfo-0000000a', {
        createdAt: '2024-03-05T10:11:12.123456789Z',
        updatedAt: '2024-03-05T10:11:13.000000001+01:00',
        labels: { rack: 'r1', 'openchami.io/role': 'compute' },
        annotations: { note: 'a "quoted" value, ünïcode' },
      })
      await store.create(resource)
      const got = await store.get('InstanceInfo', 'instanceinfo-0000000a')
      expect(got?.metadata).toEqual({
        name: 'n1',
        uid: 'instanceinfo-0000000a',
        labels: { rack: 'r1', 'openchami.io/role': 'compute' },
        annotations: { note: 'a "quoted" value, ünïcode' },
        createdAt: '2024-03-05T10:11:12.123456789Z',
        updatedAt: '2024-03-05T10:11:13.000000001+01:00',
        resourceVersion: '1',
      })
    })

    it('lists by createdAt as an instant, then uid (RES-1)', async () => {
      await store.create(group('a', 'group-00000004', '2025-01-01T00:00:02.000Z'))
      await store.create(group('b', 'group-00000002', '2025-01-01T00:00:01.000Z'))
      await store.create(group('c', 'group-00000001', '2025-01-01T00:00:01.000Z'))
      await store.create(group('d', 'group-00000003', '2025-01-01T00:00:01.500000001Z'))
      await store.create(group('e', 'group-00000005', '2025-01-01T00:00:01.5Z'))
      const names = (await store.list('Group')).map((g) => g.metadata.name)
      expect(names).toEqual(['c', 'b', 'e', 'd', 'a'])
    })

    it('copies values in and out', async () => {
      const input = group('compute', 'group-00000001')
      const created = await store.create(input)
      input.spec.metaData = { color: 'mutated-input' }
      created.spec.metaData = { color: 'mutated-result' }
      const got = await store.get('Group', 'group-00000001')
      got!.metadata.name = 'mutated-get'
      const [listed] = await store.list('Group')
      listed!.spec.template = 'mutated-list'
      const updated = await store.update(group('compute', 'group-00000001'), '1')
      updated.metadata.labels = { mutated: 'update' }
      expect(await store.get('Group', 'group-00000001')).toEqual({
        ...group('compute', 'group-00000001'),
        metadata: { ...group('compute', 'group-00000001').metadata, resourceVersion: '2' },
      })
    })

    it('rejects a create onto a taken name with CONFLICT naming the holder (RES-3)', async () => {
      await store.create(group('compute', 'group-00000001'))
      const before = store.generation()
      await expect(store.create(group('compute', 'group-00000002'))).rejects.toMatchObject({
        code: 'CONFLICT',
        message: conflictText('Group', 'compute', 'group-00000001'),
      })
      expect(await store.list('Group')).toEqual([group('compute', 'group-00000001')])
      expect(store.generation()).toBe(before)
      await store.create(sampleResource('InstanceInfo', 'compute', 'instanceinfo-00000001'))
    })

    it('rejects a create onto a taken uid with CONFLICT', async () => {
      await store.create(group('compute', 'group-00000001'))
      await expect(store.create(group('io', 'group-00000001'))).rejects.toMatchObject({
        code: 'CONFLICT',
        message: conflictText('Group', 'compute', 'group-00000001'),
      })
      expect(await store.list('Group')).toEqual([group('compute', 'group-00000001')])
    })

    it('updates with compare-and-swap on resourceVersion (RES-5)', async () => {
      await store.create(group('compute', 'group-00000001'))
      const next = group('compute', 'group-00000001')
      next.spec.template = '#cloud-config\n'
      const stored = await store.update(next, '1')
      expect(stored).toEqual({ ...next, metadata: { ...next.metadata, resourceVersion: '2' } })
      expect(await store.get('Group', 'group-00000001')).toEqual(stored)
      expect((await store.update(stored, '2')).metadata.resourceVersion).toBe('3')
    })

    it('rejects a stale update with PRECONDITION_FAILED and keeps the resource', async () => {
      await store.create(group('compute', 'group-00000001'))
      const v2 = await store.update(group('compute', 'group-00000001'), '1')
      const stale = group('compute', 'group-00000001')
      stale.spec.template = 'stale'
      await expect(store.update(stale, '1')).rejects.toMatchObject({
        code: 'PRECONDITION_FAILED',
        message: 'precondition failed: current resourceVersion is 2',
      })
      expect(await store.get('Group', 'group-00000001')).toEqual(v2)
    })

    it('checks and writes atomically under concurrent writes (RES-5)', async () => {
      await store.create(group('compute', 'group-00000001'))
      const a = group('compute', 'group-00000001')
      a.spec.template = 'a'
      const b = group('compute', 'group-00000001')
      b.spec.template = 'b'
      const results = await Promise.allSettled([store.update(a, '1'), store.update(b, '1')])
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected'])
      expect(results[1]).toMatchObject({ reason: { message: 'precondition failed: current resourceVersion is 2' } })
      expect((await store.get('Group', 'group-00000001'))?.spec.template).toBe('a')
      const creates = await Promise.allSettled([
        store.create(group('io', 'group-00000002')),
        store.create(group('io', 'group-00000003')),
      ])
      expect(creates.map((r) => r.status)).toEqual(['fulfilled', 'rejected'])
      expect(creates[1]).toMatchObject({ reason: { message: conflictText('Group', 'io', 'group-00000002') } })
    })

    it('renames, and rejects a rename onto another resource name with CONFLICT', async () => {
      await store.create(group('compute', 'group-00000001'))
      await store.create(group('io', 'group-00000002'))
      await expect(store.update(group('compute', 'group-00000002'), '1')).rejects.toMatchObject({
        code: 'CONFLICT',
        message: conflictText('Group', 'compute', 'group-00000001'),
      })
      expect((await store.get('Group', 'group-00000002'))?.metadata.name).toBe('io')
      await store.update(group('storage', 'group-00000002'), '1')
      await store.create(group('io', 'group-00000003'))
      expect((await store.list('Group')).map((g) => g.metadata.name)).toEqual(['compute', 'storage', 'io'])
    })

    it('answers NOT_FOUND with the RES-8 text', async () => {
      const message = 'Group not found: failed to load Group group-0000abcd: resource not found'
      await expect(store.update(group('x', 'group-0000abcd'), '1')).rejects.toMatchObject({ code: 'NOT_FOUND', message })
      await expect(store.delete('Group', 'group-0000abcd')).rejects.toMatchObject({ code: 'NOT_FOUND', message })
      await expect(store.delete('Group', 'group-0000abcd', '1')).rejects.toMatchObject({ code: 'NOT_FOUND', message })
    })

    it('deletes with and without an expected version', async () => {
      const a = await store.create(group('a', 'group-00000001'))
      const b = await store.update(await store.create(group('b', 'group-00000002')), '1')
      expect(await store.delete('Group', 'group-00000001')).toEqual(a)
      expect(await store.get('Group', 'group-00000001')).toBeUndefined()
      await expect(store.delete('Group', 'group-00000002', '1')).rejects.toMatchObject({
        code: 'PRECONDITION_FAILED',
        message: 'precondition failed: current resourceVersion is 2',
      })
      expect(await store.get('Group', 'group-00000002')).toEqual(b)
      expect(await store.delete('Group', 'group-00000002', '2')).toEqual(b)
      expect(await store.list('Group')).toEqual([])
      await store.create(group('a', 'group-00000003'))
    })

    it('changes generation on every write and only then', async () => {
      const seen = [store.generation()]
      await store.create(group('a', 'group-00000001'))
      seen.push(store.generation())
      await store.update(group('a', 'group-00000001'), '1')
      seen.push(store.generation())
      await expect(store.update(group('a', 'group-00000001'), '1')).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' })
      await store.list('Group')
      expect(store.generation()).toBe(seen[2])
      await store.delete('Group', 'group-00000001')
      seen.push(store.generation())
      expect(new Set(seen).size).toBe(4)
    })

    it('publishes each change after it is stored, in order, to every listener until unsubscribed', async () => {
      const first: ResourceChange[] = []
      const second: string[] = []
      const generations: number[] = []
      const stop = store.subscribe((change) => {
        first.push(change)
        generations.push(store.generation())
        second.push(`first:${change.type}`)
      })
      store.subscribe((change) => second.push(`second:${change.type}`))
      const created = await store.create(group('a', 'group-00000001'))
      const updated = await store.update(group('a', 'group-00000001'), '1')
      const deleted = await store.delete('Group', 'group-00000001')
      stop()
      await store.create(group('b', 'group-00000002'))
      expect(first).toEqual([
        { type: 'created', kind: 'Group', uid: 'group-00000001', resource: created, generation: generations[0] },
        { type: 'updated', kind: 'Group', uid: 'group-00000001', resource: updated, generation: generations[1] },
        { type: 'deleted', kind: 'Group', uid: 'group-00000001', resource: deleted, generation: generations[2] },
      ])
      expect(second).toEqual([
        'first:created', 'second:created', 'first:updated', 'second:updated', 'first:deleted', 'second:deleted',
        'second:created',
      ])
    })

    it('does not let a listener change stored state through the published resource', async () => {
      store.subscribe((change) => {
        change.resource.metadata.name = 'mutated-by-listener'
      })
      await store.create(group('a', 'group-00000001'))
      expect((await store.get('Group', 'group-00000001'))?.metadata.name).toBe('a')
    })

    it('rejects every call after close with STORAGE_FAILED', async () => {
      await store.close()
      await expect(store.list('Group')).rejects.toMatchObject({ code: 'STORAGE_FAILED' })
      await expect(store.get('Group', 'group-00000001')).rejects.toMatchObject({ code: 'STORAGE_FAILED' })
      await expect(store.create(group('a', 'group-00000001'))).rejects.toMatchObject({ code: 'STORAGE_FAILED' })
      await expect(store.delete('Group', 'group-00000001')).rejects.toMatchObject({ code: 'STORAGE_FAILED' })
    })
  })
}

