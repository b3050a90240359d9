import { createFakeInventory, createFakeTokenSource, describeInventory, inventoryNodeOf, MOCK_NODE_FIXTURES } from '@metadata-service/core/testing'
import { describe, expect, it } from 'vitest'
import { mirroredTokenSource } from '../src/mirrored-token-source.js'
import { replicate, rig } from './_replica-rig.js'

const [n0, n1, n2] = MOCK_NODE_FIXTURES as [(typeof MOCK_NODE_FIXTURES)[number], (typeof MOCK_NODE_FIXTURES)[number], (typeof MOCK_NODE_FIXTURES)[number]]
const settle = () => new Promise((resolve) => setTimeout(resolve, 30))

// The same contract as core's fake and adapter-smd's inventories (STYLE 6): a worker sees exactly its primary's
// inventory, here the fake holding the seed, whose misses and failures the replica forwards.
describeInventory('worker replica over IPC', async (seed) => {
  const primary = createFakeInventory(seed.map(inventoryNodeOf))
  const { replica, stop } = await replicate(primary, undefined)
  return { inventory: replica, breakLookups: () => primary.failNext('INVENTORY_UNAVAILABLE'), cleanup: async () => stop() }
})

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
})
