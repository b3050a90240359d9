import type { Inventory, TokenSource } from '@metadata-service/core'
import { createFakeInventory, createFakeTokenSource, describeInventory, inventoryNodeOf, MOCK_NODE_FIXTURES } from '@metadata-service/core/testing'
import { describe, expect, it } from 'vitest'
import { mirroredTokenSource } from '../src/mirrored-token-source.js'
import { openReplicaInventory, serveReplicaInventory } from '../src/replica-inventory.js'
import { connectRpc } from '../src/rpc.js'
import { ipcPair } from './_ipc-pair.js'

const [n0, n1, n2] = MOCK_NODE_FIXTURES as [(typeof MOCK_NODE_FIXTURES)[number], (typeof MOCK_NODE_FIXTURES)[number], (typeof MOCK_NODE_FIXTURES)[number]]
const settle = () => new Promise((resolve) => setTimeout(resolve, 30))

/** `inventory` served by a primary (polling every 5 ms) to one worker replica over an IPC stand-in. */
async function replicate(inventory: Inventory, tokens: TokenSource | undefined) {
  const [primaryEnd, workerEnd] = ipcPair()
  const peers: ReturnType<typeof connectRpc>[] = []
  const served = serveReplicaInventory(inventory, tokens, (event, data) => peers.forEach((peer) => peer.emit(event, data)), 5)
  peers.push(connectRpc(primaryEnd, served.handlers))
  return { replica: await openReplicaInventory(connectRpc(workerEnd, {})), stop: served.stop }
}

// The same contract as core's fake and adapter-smd's inventories (STYLE 6): a worker sees exactly its primary's
// inventory, here the fake holding the seed, whose misses and failures the replica forwards.
describeInventory('worker replica over IPC', async (seed) => {
  const primary = createFakeInventory(seed.map(inventoryNodeOf))
  const { replica, stop } = await replicate(primary, undefined)
  return { inventory: replica, breakLookups: () => primary.failNext('INVENTORY_UNAVAILABLE'), cleanup: async () => stop() }
})

/**
 * A primary inventory whose syncs we play (`sync(nodes, changed)`: a new `lastSuccessAt`, and a new generation only
 * when SMD changed, as adapter-smd does), published to one worker replica over an IPC stand-in.
 */
async function rig() {
  const fake = createFakeInventory([n0, n1])
  let lastSuccessAt = 1_000
  let generation = 1
  const primary: Inventory & { calls: typeof fake.calls; failNext: typeof fake.failNext } = Object.assign(Object.create(fake) as typeof fake, {
    health: () => ({ ...fake.health(), lastSuccessAt }),
    generation: () => generation,
  })
  const { replica, stop } = await replicate(primary, undefined)
  const sync = (nodes: typeof MOCK_NODE_FIXTURES, changed: boolean) => {
    if (changed) {
      fake.setNodes(nodes)
      generation++
    }
    lastSuccessAt += 60_000
  }
  return { primary, replica, sync, stop }
}

describe('replica inventory of --workers (OPS-7: one SMD sync however many workers)', () => {
  it('answers snapshot nodes without asking the primary, and asks it about anything else', async () => {
    const { primary, replica, stop } = await rig()
    expect((await replica.resolve('10.252.0.26'))?.xname).toBe(n0.xname)
    expect((await replica.node(n1.xname))?.nid).toBe(n1.nid)
    expect([...replica.nodes()].map((n) => n.xname)).toEqual([n0.xname, n1.xname])
    expect(primary.calls).toEqual({ resolve: 0, node: 0 })
    // A miss is the primary's to look up (SMD-11 live lookup, negative cache): here it knows nothing more.
    expect(await replica.resolve('10.252.0.99')).toBeUndefined()
    expect(await replica.node('x9')).toBeUndefined()
    expect(primary.calls).toEqual({ resolve: 1, node: 1 })
    // Its failures keep their code: an outage is still a 503, never "not found" (ID-4).
    primary.failNext('INVENTORY_UNAVAILABLE')
    await expect(replica.resolve('10.252.0.98')).rejects.toMatchObject({ code: 'INVENTORY_UNAVAILABLE' })
    stop()
  })

  it('takes the next snapshot after a sync that changed the inventory, and only then bumps its generation', async () => {
    const { replica, sync, stop } = await rig()
    const before = replica.generation()
    await settle()
    expect(replica.generation()).toBe(before)
    expect(replica.health().lastSuccessAt).toBe(1_000)
    // SMD unchanged: adapter-smd keeps its generation, and the worker keeps its snapshot and rendered documents.
    sync([n0, n1], false)
    await settle()
    expect(replica.generation()).toBe(before)
    expect(replica.health().lastSuccessAt).toBe(61_000)
    sync([n2], true)
    await settle()
    expect(replica.generation()).toBe(before + 1)
    expect((await replica.resolve('10.252.0.28'))?.xname).toBe(n2.xname)
    expect([...replica.nodes()].map((n) => n.xname)).toEqual([n2.xname])
    expect(replica.health()).toMatchObject({ lastSuccessAt: 121_000, nodes: 1 })
    stop()
  })

  it('mirrors the token state of the primary for /health (TOK-9) and /metrics, and never hands out a token', async () => {
    const tokens = createFakeTokenSource({ mode: 'mtls' })
    const inventory = createFakeInventory([n0])
    const { replica, stop } = await replicate(inventory, tokens)
    expect(replica.status().token).toEqual({ mode: 'mtls', health: { healthy: true }, stats: { refreshes: 0, refreshFailures: 0 } })
    const mirrored = mirroredTokenSource(replica)
    expect(mirrored?.mode).toBe('mtls')
    tokens.setUnhealthy('TokenSmith unreachable')
    await tokens.refreshAfterRejection('fake-token').catch(() => {})
    await settle()
    const unhealthy = { healthy: false, reason: 'dynamic TokenSmith auth unhealthy: TokenSmith unreachable' }
    expect(replica.status().token?.health).toEqual(unhealthy)
    expect(mirrored?.health()).toEqual(unhealthy)
    expect(mirrored?.stats()).toEqual({ refreshes: 0, refreshFailures: 1 })
    // A worker never calls SMD itself.
    await expect(mirrored?.token()).rejects.toMatchObject({ code: 'TOKEN_UNAVAILABLE' })
    await expect(mirrored?.refreshAfterRejection(undefined)).rejects.toMatchObject({ code: 'TOKEN_UNAVAILABLE' })
    stop()
  })

  it('mirrors no token source when the primary has none (--mock-smd)', async () => {
    const { replica, stop } = await replicate(createFakeInventory([n0]), undefined)
    expect(replica.status().token).toBeUndefined()
    expect(mirroredTokenSource(replica)).toBeUndefined()
    stop()
  })

  it("reports the primary inventory's counters as its own stats (SVC-4)", async () => {
    const inventory = createFakeInventory([n0, n1])
    const { replica, stop } = await replicate(inventory, undefined)
    expect(replica.stats()).toEqual(inventory.stats())
    stop()
  })

  it('takes a snapshot broadcast while its first one was on the way, and not the older reply over it', async () => {
    const { primary, sync, stop } = await rig()
    const [primaryEnd, workerEnd] = ipcPair()
    const peers: ReturnType<typeof connectRpc>[] = []
    const served = serveReplicaInventory(primary, undefined, (event, data) => peers.forEach((peer) => peer.emit(event, data)), 5)
    peers.push(
      connectRpc(primaryEnd, {
        ...served.handlers,
        // The reply is taken, then a sync changes SMD and is broadcast before the reply leaves.
        'inventory.init': async () => {
          const first = served.handlers['inventory.init']()
          sync([n2], true)
          await settle()
          return first
        },
      }),
    )
    const replica = await openReplicaInventory(connectRpc(workerEnd, {}))
    expect([...replica.nodes()].map((n) => n.xname)).toEqual([n2.xname])
    served.stop()
    stop()
  })
})
