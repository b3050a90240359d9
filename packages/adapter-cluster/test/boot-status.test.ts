import { createBootRecorder, createBootStatusService } from '@metadata-service/core'
import { createFakeInventory, createFixedClock, createMemoryStore, MOCK_N0, MOCK_N1 } from '@metadata-service/core/testing'
import { describe, expect, it } from 'vitest'
import { connectRpc, remoteBootStatus, serveBootStatus, type IpcChannel } from '../src/index.js'
import { ipcPair } from './_ipc-pair.js'

// BOOT across --workers: one record in the primary, fed by batched worker reports, read by every worker.

function cluster(flushMs = 10) {
  const clock = createFixedClock()
  const primaryStatus = createBootStatusService({ recorder: createBootRecorder({ clock }), inventory: createFakeInventory(), store: createMemoryStore() })
  const served = serveBootStatus(primaryStatus)
  const [primaryEnd, workerEnd] = ipcPair()
  // Count what the worker sends, to see that reports are batched.
  let sent = 0
  const counted: IpcChannel = { ...workerEnd, send: (message, callback) => (sent++, workerEnd.send(message, callback)) }
  served.listen(connectRpc(primaryEnd, served.handlers))
  const worker = remoteBootStatus(connectRpc(counted, {}), { flushMs })
  return { clock, primaryStatus, worker, sent: () => sent }
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('remoteBootStatus and serveBootStatus (BOOT, --workers)', () => {
  it('batches a worker’s observations to the primary’s one record, and reads answer from it', async () => {
    const { clock, primaryStatus, worker, sent } = cluster()
    for (let i = 0; i < 500; i++) {
      for (const document of ['meta-data', 'user-data', 'vendor-data'] as const) {
        worker.record({ node: MOCK_N0, client: '10.252.0.26', document, group: undefined, status: 200, at: clock.now() })
      }
    }
    worker.record({ node: undefined, client: '10.9.9.9', document: 'meta-data', group: undefined, status: 404, at: clock.now() })
    expect(sent()).toBe(0) // nothing per request
    await settle(50)
    expect(sent()).toBe(1) // one batch of 1,501 observations
    expect((await primaryStatus.node(MOCK_N0))?.state).toBe('configured')
    const fromWorker = await worker.report({ states: ['configured'] })
    expect(fromWorker.nodes.map((n) => n.xname)).toEqual([MOCK_N0])
    expect(fromWorker.unknownAddresses.entries.map((e) => e.address)).toEqual(['10.9.9.9'])
    expect(await worker.node(MOCK_N1)).toMatchObject({ state: 'idle' })
    expect((await worker.summary()).summary).toMatchObject({ configured: 1, idle: 2 })
    expect((await worker.changes(undefined)).full).toBe(true)
    worker.close()
  })

  it('keeps the primary’s validation errors: an unknown group is VALIDATION_FAILED on the worker too', async () => {
    const { worker } = cluster()
    await expect(worker.report({ group: 'nosuch' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: 'invalid query parameter group: unknown group "nosuch"' })
    worker.close()
  })

  it('sends what is left when it closes', async () => {
    const { clock, primaryStatus, worker } = cluster(60_000)
    worker.record({ node: MOCK_N1, client: '10.252.0.27', document: 'meta-data', group: undefined, status: 200, at: clock.now() })
    worker.close()
    await settle(20)
    expect((await primaryStatus.node(MOCK_N1))?.state).toBe('booting')
  })
})
