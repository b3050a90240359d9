import { describe, expect, it } from 'vitest'
import { createFixedClock, createMemoryStore, createSequenceRandom } from '@metadata-service/core/testing'
import { createResourceService } from '@metadata-service/core'

async function setup() {
  const store = createMemoryStore()
  const clock = createFixedClock(Date.UTC(2025, 0, 1))
  const service = createResourceService({ store, clock, random: createSequenceRandom() })
  const created = await service.create('InstanceInfo', { metadata: { name: 'n0' }, spec: { instance_id: 'i-1' } })
  clock.advance(60_000)
  return { store, service, created, uid: created.metadata.uid }
}

describe('ResourceService status writes (RES-7)', () => {
  it('replaces the status from {"status": …}, bumping resourceVersion but not updatedAt', async () => {
    const { service, created, uid } = await setup()
    const written = await service.replaceStatus('InstanceInfo', uid, { status: { phase: 'Ready', ready: true } })
    expect(written).toEqual({
      ...created,
      metadata: { ...created.metadata, resourceVersion: '2' },
      status: { phase: 'Ready', ready: true },
    })
    expect(written.metadata.updatedAt).toBe('2025-01-01T00:00:00.000Z')
  })

  it('accepts the bare status object and defaults ready to false', async () => {
    const { service, uid } = await setup()
    expect((await service.replaceStatus('InstanceInfo', uid, { phase: 'Pending' })).status).toEqual({
      phase: 'Pending',
      ready: false,
    })
  })

  it('merge-patches the status', async () => {
    const { service, uid } = await setup()
    await service.replaceStatus('InstanceInfo', uid, { phase: 'Ready', message: 'ok', ready: true })
    const patch = { message: null, phase: 'Degraded' }
    const patched = await service.patchStatus('InstanceInfo', uid, patch, { ifMatch: '"2"' })
    expect(patched.status).toEqual({ phase: 'Degraded', ready: true })
    expect(patched.metadata.resourceVersion).toBe('3')
    expect(patched.metadata.updatedAt).toBe('2025-01-01T00:00:00.000Z')
  })

  it('rejects unknown fields, wrong types and non-objects, storing nothing', async () => {
    const { service, store, created, uid } = await setup()
    const generation = store.generation()
    await expect(service.replaceStatus('InstanceInfo', uid, { ready: true, color: 'red' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'validation failed: unknown fields in status: [color]',
    })
    await expect(service.patchStatus('InstanceInfo', uid, { status: { ready: 'yes' } })).rejects.toMatchObject({
      message: 'validation failed: ready must be a boolean',
    })
    await expect(service.replaceStatus('InstanceInfo', uid, { status: [] })).rejects.toMatchObject({
      message: 'validation failed: status must be an object',
    })
    await expect(service.replaceStatus('InstanceInfo', uid, 'ready')).rejects.toMatchObject({
      code: 'INVALID_BODY',
      message: 'invalid request body: expected a JSON object',
    })
    await expect(service.replaceStatus('InstanceInfo', uid, {}, { ifMatch: '"9"' })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: 'precondition failed: current resourceVersion is 1',
    })
    expect(store.generation()).toBe(generation)
    expect(await service.get('InstanceInfo', uid)).toEqual(created)
  })
})
