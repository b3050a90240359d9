import { describe, expect, it } from 'vitest'
import { sampleResource } from '../../src/testing/_resource-samples.js'
import { conflictText } from '../../src/testing/conflict-texts.js'
import { createMemoryStore } from '../../src/testing/memory-store.js'
import { describeResourceStore } from '../../src/testing/resource-store.contract.js'

describeResourceStore('memory', async () => ({ store: createMemoryStore() }), {
  seeded: async (seed) => ({ store: createMemoryStore(seed) }),
})

describe('createMemoryStore seed', () => {
  it('loads duplicate names, serves the latest and refuses writes to the older until the latest goes (§16 RES-3)', async () => {
    const a = sampleResource('Group', 'compute', 'group-00000001')
    const b = sampleResource('Group', 'compute', 'group-00000002', { createdAt: '2025-01-02T00:00:00Z' })
    const store = createMemoryStore([a, b])
    expect(await store.list('Group')).toEqual([{ ...a, status: { ...a.status, supersededBy: 'group-00000002' } }, b])
    const changed = { ...a, spec: { ...a.spec, template: '#cloud-config\n' } }
    await expect(store.update(changed, '1')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: conflictText('Group', 'compute', 'group-00000002'),
    })
    await store.delete('Group', 'group-00000002')
    expect((await store.update(changed, '1')).metadata.resourceVersion).toBe('2')
  })

  it('copies the seed', async () => {
    const a = sampleResource('Group', 'compute', 'group-00000001')
    const store = createMemoryStore([a])
    a.metadata.name = 'mutated'
    expect((await store.get('Group', 'group-00000001'))?.metadata.name).toBe('compute')
  })

  it('refuses a seed holding one uid twice', () => {
    const a = sampleResource('Group', 'compute', 'group-00000001')
    expect(() => createMemoryStore([a, a])).toThrow('seed holds Group group-00000001 twice')
  })
})
