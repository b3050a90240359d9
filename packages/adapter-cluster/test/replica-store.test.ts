import { isMetadataError, type ResourceChange } from '@metadata-service/core'
import { createMemoryStore, describeResourceStore, storedResource } from '@metadata-service/core/testing'
import { describe, expect, it } from 'vitest'
import { openReplicaStore, serveReplicaStore } from '../src/replica-store.js'
import { connectRpc } from '../src/rpc.js'
import { ipcPair } from './_ipc-pair.js'

const group = (name: string, uid: string) => storedResource('Group', { metadata: { name }, spec: { description: `${name} nodes`, template: '' } }, { uid })

/** A primary with a memory store and `workers` replicas connected to it over IPC stand-ins. */
async function cluster(workers: number, primaryStore = createMemoryStore()) {
  const replicas = []
  const peers: ReturnType<typeof connectRpc>[] = []
  const served = serveReplicaStore(primaryStore, (event, data) => peers.forEach((peer) => peer.emit(event, data)))
  for (let i = 0; i < workers; i++) {
    const [primaryEnd, workerEnd] = ipcPair()
    peers.push(connectRpc(primaryEnd, served.handlers))
    replicas.push(await openReplicaStore(connectRpc(workerEnd, {})))
  }
  return { primaryStore, replicas }
}

// The same contract as the memory, file and PostgreSQL stores (STYLE 6): a worker sees exactly a store.
describeResourceStore(
  'worker replica over IPC',
  async () => {
    const { replicas } = await cluster(1)
    return { store: replicas[0]! }
  },
  {
    seeded: async (seed) => {
      const { replicas } = await cluster(1, createMemoryStore(seed))
      return { store: replicas[0]! }
    },
  },
)

describe('replica stores of --workers (ARCHITECTURE processes)', () => {
  it('starts from the primary store and shows a write made through one worker on the other', async () => {
    const seeded = createMemoryStore([group('compute', 'g-1')])
    const { replicas } = await cluster(2, seeded)
    const [a, b] = replicas as [(typeof replicas)[number], (typeof replicas)[number]]
    expect((await b.list('Group')).map((g) => g.metadata.name)).toEqual(['compute'])
    const seen: ResourceChange[] = []
    b.subscribe((change) => seen.push(change))
    const created = await a.create(group('green', 'g-2'))
    // Read-your-writes on the writer: the change arrived before the reply.
    expect((await a.get('Group', 'g-2'))?.metadata.name).toBe('green')
    await new Promise((resolve) => setImmediate(resolve))
    expect(await b.get('Group', 'g-2')).toEqual(created)
    expect(seen.map((c) => [c.type, c.resource.metadata.name])).toEqual([['created', 'green']])
    expect(b.generation()).toBe(1)
  })

  it('keeps the primary store the one judge: compare-and-swap and name conflicts come back with their codes', async () => {
    const { replicas } = await cluster(2)
    const [a, b] = replicas as [(typeof replicas)[number], (typeof replicas)[number]]
    const created = await a.create(group('compute', 'g-1'))
    await new Promise((resolve) => setImmediate(resolve))
    await b.update({ ...created, spec: { ...created.spec, description: 'b' } }, '1')
    const stale = await a.update({ ...created, spec: { ...created.spec, description: 'a' } }, '1').catch((err: unknown) => err)
    expect(isMetadataError(stale, 'PRECONDITION_FAILED')).toBe(true)
    const twin = await b.create(group('compute', 'g-9')).catch((err: unknown) => err)
    expect(isMetadataError(twin, 'CONFLICT')).toBe(true)
    expect((await a.get('Group', 'g-1'))?.spec.description).toBe('b')
  })

  it('keeps a change published in the same IPC read as its seed, whichever comes first (no change lost at start)', async () => {
    for (const after of [false, true]) {
      const primaryStore = createMemoryStore([group('compute', 'g-1')])
      const [primaryEnd, workerEnd] = ipcPair()
      const peers: ReturnType<typeof connectRpc>[] = []
      const served = serveReplicaStore(primaryStore, (event, data) => peers.forEach((peer) => peer.emit(event, data)))
      // The write lands while the seed is read: its event goes out in the same turn as the reply.
      peers.push(
        connectRpc(primaryEnd, {
          ...served.handlers,
          'store.init': async () => {
            if (!after) await primaryStore.create(group('green', 'g-2'))
            const seed = await served.handlers['store.init']()
            if (after) await primaryStore.create(group('green', 'g-2'))
            return seed
          },
        }),
      )
      const replica = await openReplicaStore(connectRpc(workerEnd, {}))
      expect((await replica.list('Group')).map((g) => g.metadata.name).sort()).toEqual(['compute', 'green'])
    }
  })
})
