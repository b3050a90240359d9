import { describe, expect, it } from 'vitest'
import { createRecordingLogger } from '@metadata-service/core/testing'
import { createSmdClient, createSmdInventory, createStaticTokenSource, DEFAULT_SMD_MAX_RESPONSE_BYTES } from '../src/index.js'
import { fakeNodeIp, fakeSmdData, fakeXname, generateFakeNodes, startFakeSmd, type FakeSmd } from '../src/testing/index.js'
import { closeAfterTest } from './_setup.js'

// SPEC §16: SMD responses are capped in bytes (`smd_max_response_bytes`). A sync over the cap fails with an error
// naming the limit and the setting, and the last snapshot keeps serving (SMD-7); single lookups are capped too.
// Bodies over the cap come from the real fake SMD, announced (Content-Length) or streamed (chunked).

/** The byte size of the largest bulk payload the fake SMD sends for these nodes (ComponentEndpoints). */
function largestPayloadBytes(nodes: number): number {
  const data = fakeSmdData(generateFakeNodes(nodes))
  return Math.max(
    Buffer.byteLength(JSON.stringify({ Components: data.components })),
    Buffer.byteLength(JSON.stringify(data.interfaces)),
    Buffer.byteLength(JSON.stringify(data.memberships)),
    Buffer.byteLength(JSON.stringify({ ComponentEndpoints: data.endpoints })),
  )
}

async function cappedRig(maxResponseBytes: number, smd: FakeSmd) {
  const logger = createRecordingLogger()
  const client = createSmdClient({ baseUrl: smd.url, tokenSource: createStaticTokenSource(), userAgentVersion: 'test', timeoutMs: 5_000, logger, maxResponseBytes })
  const inventory = closeAfterTest(createSmdInventory({ client, logger }))
  return { client, inventory, logger }
}

const tooLarge = (path: string, limit: number) =>
  `smd request failed: response from ${path} exceeds smd_max_response_bytes (${limit} bytes); ` +
  'raise it (--smd-max-response-bytes, METADATA_SERVICE_SMD_MAX_RESPONSE_BYTES) if the inventory really is this large'

describe('SMD response byte cap (SPEC §16, smd_max_response_bytes)', () => {
  it('fails a sync whose payload outgrew the cap, naming the limit, and keeps serving the last snapshot (SMD-7)', async () => {
    const limit = largestPayloadBytes(50) + 64
    const smd = closeAfterTest(await startFakeSmd({ nodes: generateFakeNodes(50) }))
    const { inventory, logger } = await cappedRig(limit, smd)
    expect(await inventory.syncNow()).toBe(true)
    const generation = inventory.generation()

    smd.setNodes(generateFakeNodes(400))
    expect(await inventory.syncNow()).toBe(false)
    // The four calls run concurrently (SMD-7): whichever outgrew the cap first fails the sync.
    const { error } = logger.entries.find((e) => e.message === 'SMD sync failed; keeping the previous snapshot')?.fields ?? {}
    const bulkPaths = ['/State/Components', '/Inventory/EthernetInterfaces', '/memberships', '/Inventory/ComponentEndpoints']
    expect(bulkPaths.map((path) => tooLarge(path, limit))).toContain(error)
    expect(inventory.generation()).toBe(generation)
    expect(inventory.health()).toMatchObject({ nodes: 50 })
    expect((await inventory.resolve(fakeNodeIp(7, 'HMN')))?.xname).toBe(fakeXname(7))
    expect(inventory.stats()).toMatchObject({ syncFailures: 1 })
  })

  it('stops reading a streamed body (no Content-Length) once it passes the cap', async () => {
    const smd = closeAfterTest(await startFakeSmd({ nodes: generateFakeNodes(10) }))
    const { inventory, logger } = await cappedRig(1_000_000, smd)
    expect(await inventory.syncNow()).toBe(true)
    // 8 MB of one endless-looking component list, streamed.
    const huge = `{"Components":[${Array.from({ length: 80_000 }, (_, i) => `{"ID":"x${i}c0s0b0n0","Type":"Node","NID":${i},"Role":"Compute","Pad":"${'p'.repeat(40)}"}`).join(',')}]}`
    smd.inject('components', { status: 200, body: huge, chunked: true })
    expect(await inventory.syncNow()).toBe(false)
    expect(logger.entries.find((e) => e.message === 'SMD sync failed; keeping the previous snapshot')?.fields).toMatchObject({
      error: tooLarge('/State/Components', 1_000_000),
    })
    expect(inventory.health()).toMatchObject({ nodes: 10 })
  })

  it('caps single lookups too: the IP lookup and the per-node calls', async () => {
    const smd = closeAfterTest(await startFakeSmd({ nodes: generateFakeNodes(3) }))
    const { client } = await cappedRig(4_096, smd)
    expect(await client.componentIdForIp(fakeNodeIp(1, 'HMN'))).toBe(fakeXname(1))
    const padded = JSON.stringify([{ ID: 'aa', ComponentID: fakeXname(1), IPAddresses: [{ IPAddress: fakeNodeIp(1, 'HMN') }], Pad: 'x'.repeat(8_000) }])
    smd.inject('interfacesByIp', { status: 200, body: padded }, 1)
    await expect(client.componentIdForIp(fakeNodeIp(1, 'HMN'))).rejects.toMatchObject({
      code: 'INVENTORY_UNAVAILABLE',
      message: tooLarge(`/Inventory/EthernetInterfaces?IPAddress=${fakeNodeIp(1, 'HMN')}`, 4_096),
    })
    smd.inject('component', { status: 200, body: padded, chunked: true }, 1)
    await expect(client.nodeRecords(fakeXname(1))).rejects.toMatchObject({ message: tooLarge(`/State/Components/${fakeXname(1)}`, 4_096) })
    // An error answer is capped as well, before its text is quoted (SMD-6).
    smd.inject('component', { status: 500, body: 'e'.repeat(10_000) }, 1)
    await expect(client.nodeRecords(fakeXname(1))).rejects.toMatchObject({ message: tooLarge(`/State/Components/${fakeXname(1)}`, 4_096) })
    expect(await client.nodeRecords(fakeXname(2))).toBeDefined()
  })

  it('has a default that fits 100,000 nodes with room to spare', () => {
    // Measured on the fake SMD's generator (the largest payload is ComponentEndpoints, 68.5 MB at 100k nodes):
    // ten thousand nodes are measured here and scaled, which is linear in the node count.
    const at100k = largestPayloadBytes(10_000) * 10
    expect(at100k).toBeGreaterThan(60_000_000)
    expect(DEFAULT_SMD_MAX_RESPONSE_BYTES).toBeGreaterThan(3 * at100k)
    expect(DEFAULT_SMD_MAX_RESPONSE_BYTES).toBeLessThan(400_000_000) // the runaway body of issue 16 fails
  })
})
