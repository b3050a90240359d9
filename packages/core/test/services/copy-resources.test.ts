import { describe, expect, it } from 'vitest'
import { MetadataError } from '../../src/errors.js'
import type { ResourceStore } from '../../src/ports/resource-store.js'
import { copyResources } from '../../src/services/copy-resources.js'
import { createMemoryStore, storedResource, QUICKSTART_CLUSTER_DEFAULTS, QUICKSTART_GROUP_COMPUTE, QUICKSTART_GROUP_GREEN } from '../../src/testing/index.js'

const defaults = storedResource('ClusterDefaults', QUICKSTART_CLUSTER_DEFAULTS)
const compute = storedResource('Group', QUICKSTART_GROUP_COMPUTE, { uid: 'group-00000001' })
const green = storedResource('Group', QUICKSTART_GROUP_GREEN, { uid: 'group-00000002' })
const counts = (report: Awaited<ReturnType<typeof copyResources>>) =>
  Object.fromEntries(report.map(({ kind, created, updated, unchanged, failed }) => [kind, [created, updated, unchanged, failed.length]]))

describe('copyResources (migrate, issue 13)', () => {
  it('creates every resource of every kind in the target as it is: uid, timestamps and status kept', async () => {
    const to = createMemoryStore()
    const report = await copyResources(createMemoryStore([defaults, compute, green]), to)
    expect(counts(report)).toEqual({ ClusterDefaults: [1, 0, 0, 0], Group: [2, 0, 0, 0], InstanceInfo: [0, 0, 0, 0], WireGuardPeer: [0, 0, 0, 0] })
    expect(await to.get('Group', 'group-00000002')).toEqual(green)
    expect(await to.get('ClusterDefaults', defaults.metadata.uid)).toEqual(defaults)
  })

  it('is idempotent: a second run finds everything unchanged and writes nothing', async () => {
    const from = createMemoryStore([defaults, compute, green])
    const to = createMemoryStore()
    await copyResources(from, to)
    const generation = to.generation()
    expect(counts(await copyResources(from, to)).Group).toEqual([0, 0, 2, 0])
    expect(to.generation()).toBe(generation)
  })

  it('updates a resource that differs over the target’s own resourceVersion, which does not count as a difference', async () => {
    const to = createMemoryStore([{ ...compute, metadata: { ...compute.metadata, resourceVersion: '7' } }])
    const changed = { ...compute, spec: { ...compute.spec, description: 'changed' } }
    const report = await copyResources(createMemoryStore([changed, green]), to)
    expect(counts(report).Group).toEqual([1, 1, 0, 0])
    const stored = await to.get('Group', compute.metadata.uid)
    expect(stored?.spec.description).toBe('changed')
    expect(stored?.metadata.resourceVersion).toBe('8')
    expect(counts(await copyResources(createMemoryStore([{ ...changed, metadata: { ...changed.metadata, resourceVersion: '1' } }]), to)).Group).toEqual([0, 0, 1, 0])
  })

  it('lists a resource the target refuses (a legacy duplicate name, RES-3) with why, and copies the rest', async () => {
    const twin = { ...green, metadata: { ...green.metadata, uid: 'group-00000003', createdAt: '2025-02-01T00:00:00.000Z' } }
    const report = await copyResources(createMemoryStore([defaults, green, twin]), createMemoryStore())
    const groups = report.find((entry) => entry.kind === 'Group')
    expect(groups).toMatchObject({ created: 1, updated: 0, unchanged: 0 })
    expect(groups?.failed).toEqual([expect.stringMatching(/^Group group-0000000[23]: Group named green already exists: group-0000000[23]; /)])
    expect(counts(report).ClusterDefaults).toEqual([1, 0, 0, 0])
  })

  it('rejects on a storage failure instead of carrying on', async () => {
    const broken: ResourceStore = { ...createMemoryStore(), create: () => Promise.reject(new MetadataError('STORAGE_FAILED', 'cannot write')) }
    await expect(copyResources(createMemoryStore([compute]), broken)).rejects.toMatchObject({ code: 'STORAGE_FAILED' })
  })
})
