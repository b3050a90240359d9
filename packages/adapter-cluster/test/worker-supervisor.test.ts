import { createFakeInventory, createFakeTokenSource, createMemoryStore, createRecordingLogger, storedResource } from '@metadata-service/core/testing'
import { describe, expect, it } from 'vitest'
import { connectToPrimary, superviseWorkers, type PrimaryConnection } from '../src/index.js'
import { fakeForker, type FakeWorker } from './_fake-workers.js'

// The primary's supervisor and each worker's connectToPrimary, meeting over in-process IPC stand-ins as they do over
// node:cluster (the built executable runs the same in workers.e2e.test.ts).

/** A primary supervising `count` workers; each worker connects and reports `metrics-<id>` as its metrics. */
function primary(count: number) {
  const store = createMemoryStore([storedResource('Group', { metadata: { name: 'compute' }, spec: { description: 'c', template: '' } })])
  const logger = createRecordingLogger()
  const connections = new Map<number, Promise<PrimaryConnection<string>>>()
  const forker = fakeForker((worker: FakeWorker) => {
    connections.set(worker.id, connectToPrimary(worker.channel, { metricsSnapshot: async () => `metrics-${worker.id}` }))
  })
  const supervisor = superviseWorkers({
    store,
    inventory: createFakeInventory(),
    tokenSource: createFakeTokenSource({ mode: 'bootstrap' }),
    logger,
    forker,
    count,
    pollMs: 5,
  })
  const connected = (id: number) => connections.get(id) as Promise<PrimaryConnection<string>>
  return { supervisor, forker, logger, connected, store }
}

describe('superviseWorkers and connectToPrimary (--workers, OPS-4, OPS-7)', () => {
  it('is ready once every first worker listens; workers read the store, the snapshot and the token state of the primary', async () => {
    const { supervisor, forker, connected } = primary(2)
    let ready: number | undefined
    void supervisor.ready.then((port) => (ready = port))
    const [a, b] = forker.forked as [FakeWorker, FakeWorker]
    const worker = await connected(a.id)
    expect((await worker.store.list('Group')).map((g) => g.metadata.name)).toEqual(['compute'])
    expect((await worker.inventory.resolve('10.252.0.26'))?.xname).toBe('x1000c0s0b0n0')
    expect(worker.tokenSource?.mode).toBe('bootstrap')
    a.listen(8080)
    await new Promise((resolve) => setImmediate(resolve))
    expect(ready).toBeUndefined()
    await connected(b.id)
    b.listen(8080)
    expect(await supervisor.ready).toBe(8080)
    await stopAll(supervisor, forker.forked)
  })

  it('is ready when workers on sockets of their own (SO_REUSEPORT, issue 19) report their port themselves', async () => {
    const { supervisor, forker, connected } = primary(2)
    const [a, b] = forker.forked as [FakeWorker, FakeWorker]
    // node:cluster emits no `listening` for an exclusive listen: only the workers' own word counts.
    ;(await connected(a.id)).listening(8080)
    ;(await connected(a.id)).listening(8080) // said twice: still one worker
    let ready: number | undefined
    void supervisor.ready.then((port) => (ready = port))
    await new Promise((resolve) => setImmediate(resolve))
    expect(ready).toBeUndefined()
    ;(await connected(b.id)).listening(8080)
    expect(await supervisor.ready).toBe(8080)
    await stopAll(supervisor, forker.forked)
  })

  it("gathers every listening worker's metrics for whichever worker is scraped (SVC-4)", async () => {
    const { supervisor, forker, connected } = primary(2)
    for (const worker of forker.forked) {
      await connected(worker.id)
      worker.listen(8080)
    }
    await supervisor.ready
    const gathered = await (await connected(1)).gatherMetrics()
    expect([...gathered].sort()).toEqual(['metrics-1', 'metrics-2'])
    await stopAll(supervisor, forker.forked)
  })

  it('replaces a worker that dies, and logs it', async () => {
    const { supervisor, forker, connected, logger } = primary(1)
    const first = forker.forked[0] as FakeWorker
    await connected(first.id)
    first.listen(8080)
    await supervisor.ready
    first.exit(1)
    expect(forker.forked).toHaveLength(2)
    expect(logger.entries).toContainEqual({ level: 'error', message: 'worker exited; starting a new one', fields: { worker: 1, code: 1, signal: null } })
    await connected(2)
    await stopAll(supervisor, forker.forked)
  })

  it('rejects ready when a first worker exits before it listens', async () => {
    const { supervisor, forker } = primary(1)
    const first = forker.forked[0] as FakeWorker
    first.exit(1)
    await expect(supervisor.ready).rejects.toThrow('worker 1 exited during startup (code 1); see its log above')
    expect(forker.forked).toHaveLength(1)
    await supervisor.stop(1_000)
  })

  it('asks listening workers to drain and signals the others on stop (OPS-4), forking no more', async () => {
    const { supervisor, forker, connected } = primary(2)
    const [a, b] = forker.forked as [FakeWorker, FakeWorker]
    const worker = await connected(a.id)
    a.listen(8080)
    await connected(b.id)
    const stopped = supervisor.stop(60_000)
    expect(await worker.stopRequested).toBe('primary shutting down')
    expect(b.signals).toEqual(['SIGTERM'])
    worker.close('worker stopped')
    await stopped
    expect(forker.forked).toHaveLength(2)
  })
})

/** Stops the supervisor with every worker draining at once. */
async function stopAll(supervisor: { stop(graceMs: number): Promise<void> }, workers: readonly FakeWorker[]): Promise<void> {
  const stopped = supervisor.stop(60_000)
  for (const worker of workers) worker.exit(0)
  await stopped
}
