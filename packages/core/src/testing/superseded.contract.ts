import { afterEach, describe, expect, it } from 'vitest'
import type { AnyResource } from '../domain/kinds.js'
import type { ResourceStore } from '../ports/resource-store.js'
import { sampleResource } from './_resource-samples.js'
import { clusterDefaultsConflictText, conflictText } from './conflict-texts.js'
import type { ResourceStoreFixture, ResourceStoreSeeding } from './resource-store.contract.js'

const at = (second: number) => `2024-05-01T00:00:0${second}.000000001Z`
const group = (name: string, uid: string, createdAt: string) => sampleResource('Group', name, uid, { createdAt })
const defaults = (name: string, uid: string, createdAt: string) => sampleResource('ClusterDefaults', name, uid, { createdAt })

/**
 * §16 RES-3 and "ClusterDefaults is one per cluster", part of `describeResourceStore`: a store opened on resources
 * that share a name (the Go service kept every version as its own file) serves the latest by createdAt, then uid,
 * lists the others with `status.supersededBy`, and writes by name go to the served one.
 */
export function describeSupersededResources(
  name: string,
  factory: () => Promise<ResourceStoreFixture>,
  seeding: ResourceStoreSeeding,
): void {
  describe(`ResourceStore contract, several resources with one name (§16 RES-3): ${name}`, () => {
    let fixture: ResourceStoreFixture | undefined
    const open = async (seed?: readonly AnyResource[]): Promise<ResourceStore> => {
      fixture = seed === undefined ? await factory() : await seeding.seeded(seed)
      return fixture.store
    }
    afterEach(async () => {
      await fixture?.store.close()
      await fixture?.cleanup?.()
      fixture = undefined
    })
    // Stores that cannot hold two resources of one name (PostgreSQL's unique key) leave these tests out.
    const duplicates = (title: string, test: () => Promise<void>): void => {
      if (seeding.duplicateNames !== false) it(title, test)
    }

    // Three versions of compute, out of order on disk; the same createdAt twice (uid decides); another name.
    const versions = [
      group('compute', 'group-0000000c', at(1)),
      group('compute', 'group-0000000a', at(3)),
      group('compute', 'group-0000000b', at(3)),
      group('io', 'group-00000001', at(2)),
    ]

    duplicates('serves the latest by createdAt then uid and lists the others as superseded', async () => {
      const store = await open(versions)
      const listed = await store.list('Group')
      expect(listed.map((g) => [g.metadata.uid, g.status.supersededBy])).toEqual([
        ['group-0000000c', 'group-0000000b'],
        ['group-00000001', undefined],
        ['group-0000000a', 'group-0000000b'],
        ['group-0000000b', undefined],
      ])
      expect((await store.get('Group', 'group-0000000a'))?.status).toEqual({ valid: true, supersededBy: 'group-0000000b' })
      expect((await store.get('Group', 'group-0000000b'))?.status).toEqual({ valid: true })
      expect(store.superseded()).toEqual([
        { kind: 'Group', name: 'compute', served: 'group-0000000b', superseded: ['group-0000000c', 'group-0000000a'] },
      ])
      expect(store.problems()).toEqual([])
    })

    duplicates('writes by name go to the served one; a superseded one keeping the name is refused', async () => {
      const store = await open(versions)
      const served = (await store.get('Group', 'group-0000000b'))!
      served.spec.template = '#cloud-config\n'
      expect((await store.update(served, '1')).metadata.resourceVersion).toBe('2')
      await expect(store.create(group('compute', 'group-0000000d', at(9)))).rejects.toMatchObject({
        code: 'CONFLICT',
        message: conflictText('Group', 'compute', 'group-0000000b'),
      })
      const old = (await store.get('Group', 'group-0000000a'))!
      await expect(store.update({ ...old, spec: { ...old.spec, template: '#cloud-config\n' } }, '1')).rejects.toMatchObject({
        code: 'CONFLICT',
        message: conflictText('Group', 'compute', 'group-0000000b'),
      })
      // Its status alone may be written (RES-7, WG-8): that is no write by name.
      const statusOnly = await store.update({ ...old, status: { valid: false, errorMessage: 'x' } }, '1')
      expect(statusOnly.status).toEqual({ valid: false, errorMessage: 'x', supersededBy: 'group-0000000b' })
      // Renamed, a superseded one is served under its new name; the report shrinks.
      old.metadata.name = 'compute-old'
      const renamed = await store.update(old, '2')
      expect(renamed.status.supersededBy).toBeUndefined()
      expect(store.superseded()).toEqual([
        { kind: 'Group', name: 'compute', served: 'group-0000000b', superseded: ['group-0000000c'] },
      ])
      // Deleting the served one serves the latest of those left.
      await store.delete('Group', 'group-0000000b')
      expect((await store.get('Group', 'group-0000000c'))?.status.supersededBy).toBeUndefined()
      expect(store.superseded()).toEqual([])
    })

    it('never stores status.supersededBy', async () => {
      const store = await open()
      const input = group('compute', 'group-00000001', at(1))
      input.status.supersededBy = 'group-ffffffff'
      expect((await store.create(input)).status).toEqual({ valid: true })
      const read = (await store.get('Group', 'group-00000001'))!
      read.status.supersededBy = 'group-ffffffff'
      expect((await store.update(read, '1')).status).toEqual({ valid: true })
      expect((await store.list('Group'))[0]?.status).toEqual({ valid: true })
    })

    it('keeps one ClusterDefaults per cluster: a second create answers CONFLICT naming the first', async () => {
      const store = await open()
      await store.create(defaults('demo', 'clusterdefaults-00000001', at(1)))
      await expect(store.create(defaults('other', 'clusterdefaults-00000002', at(2)))).rejects.toMatchObject({
        code: 'CONFLICT',
        message: clusterDefaultsConflictText('demo', 'clusterdefaults-00000001'),
      })
      await expect(store.create(defaults('demo', 'clusterdefaults-00000003', at(2)))).rejects.toMatchObject({
        code: 'CONFLICT',
        message: conflictText('ClusterDefaults', 'demo', 'clusterdefaults-00000001'),
      })
      const renamed = (await store.get('ClusterDefaults', 'clusterdefaults-00000001'))!
      renamed.metadata.name = 'renamed'
      await store.update(renamed, '1')
      expect((await store.list('ClusterDefaults')).map((c) => c.metadata.name)).toEqual(['renamed'])
    })

    it('serves the latest of several ClusterDefaults whatever their names; the others are superseded', async () => {
      const store = await open([
        defaults('old', 'clusterdefaults-00000002', at(1)),
        defaults('new', 'clusterdefaults-00000001', at(2)),
      ])
      expect((await store.list('ClusterDefaults')).map((c) => [c.metadata.name, c.status.supersededBy])).toEqual([
        ['old', 'clusterdefaults-00000001'],
        ['new', undefined],
      ])
      expect(store.superseded()).toEqual([
        { kind: 'ClusterDefaults', name: 'new', served: 'clusterdefaults-00000001', superseded: ['clusterdefaults-00000002'] },
      ])
      const old = (await store.get('ClusterDefaults', 'clusterdefaults-00000002'))!
      expect((await store.update({ ...old, status: { ready: true } }, '1')).status).toEqual({ ready: true, supersededBy: 'clusterdefaults-00000001' })
      old.spec.cluster_name = 'older'
      await expect(store.update(old, '2')).rejects.toMatchObject({
        code: 'CONFLICT',
        message: clusterDefaultsConflictText('new', 'clusterdefaults-00000001'),
      })
      const served = (await store.get('ClusterDefaults', 'clusterdefaults-00000001'))!
      served.spec.cluster_name = 'changed'
      expect((await store.update(served, '1')).spec.cluster_name).toBe('changed')
    })
  })
}
