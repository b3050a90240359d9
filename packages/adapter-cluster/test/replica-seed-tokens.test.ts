import { createMemorySeedTokenStore, describeSeedTokenStore } from '@metadata-service/core/testing'
import { describe, expect, it } from 'vitest'
import { openReplicaSeedTokenStore, serveReplicaSeedTokens } from '../src/replica-seed-tokens.js'
import { connectRpc } from '../src/rpc.js'
import { ipcPair } from './_ipc-pair.js'

/** A primary with a memory seed store (or none) and `workers` replicas over IPC stand-ins. */
async function cluster(workers: number, options: { off?: boolean } = {}) {
  const primary = options.off === true ? undefined : createMemorySeedTokenStore()
  const peers: ReturnType<typeof connectRpc>[] = []
  const served = serveReplicaSeedTokens(primary, (event, data) => peers.forEach((peer) => peer.emit(event, data)))
  const replicas = []
  for (let i = 0; i < workers; i++) {
    const [primaryEnd, workerEnd] = ipcPair()
    peers.push(connectRpc(primaryEnd, served.handlers))
    replicas.push(await openReplicaSeedTokenStore(connectRpc(workerEnd, {})))
  }
  return { primary, replicas }
}

describeSeedTokenStore('worker replica over IPC', async () => {
  const { replicas } = await cluster(1)
  return { store: replicas[0]! }
})

describe('seed tokens of --workers (SEED)', () => {
  it('gives every worker the primary’s secret and epochs, and a rotation through one worker to the other', async () => {
    const { primary, replicas } = await cluster(2)
    const [a, b] = replicas as [NonNullable<(typeof replicas)[number]>, NonNullable<(typeof replicas)[number]>]
    expect(Buffer.from(a.current().secret).equals(Buffer.from(primary!.current().secret))).toBe(true)
    const after = await a.rotateNodes(['x1000c0s0b0n0'])
    // Read-your-writes: the broadcast arrived before the reply.
    expect(after.nodeEpochs.get('x1000c0s0b0n0')).toBe(1)
    expect(primary!.current().nodeEpochs.get('x1000c0s0b0n0')).toBe(1)
    await new Promise((resolve) => setImmediate(resolve))
    expect(b.current().nodeEpochs.get('x1000c0s0b0n0')).toBe(1)
  })

  it('has no store in the workers when the primary has none (seed_tokens: off)', async () => {
    const { replicas } = await cluster(1, { off: true })
    expect(replicas[0]).toBeUndefined()
  })

  it('passes the primary’s rotation failure back with its code', async () => {
    const { primary, replicas } = await cluster(1)
    primary!.failNext()
    await expect(replicas[0]!.rotateAll()).rejects.toMatchObject({ code: 'STORAGE_FAILED' })
    expect(replicas[0]!.current().globalEpoch).toBe(0)
  })
})
