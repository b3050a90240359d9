import { describe, expect, it } from 'vitest'
import { createFakeTokenSource, createRecordingLogger } from '@metadata-service/core/testing'
import { createSmdClient, createStaticTokenSource, createSyncThread, type SnapshotSource, type SyncThreadOptions } from '../src/index.js'
import { fakeNodeIp, fakeSmdData, fakeXname, generateFakeNodes, startFakeSmd, type FakeNode } from '../src/testing/index.js'
import { SYNC_THREADS, closeAfterTest, rig } from './_setup.js'
import { syncWorkerUrl } from './_sync-worker-build.js'

// Issue 19: bulk syncs run in a worker thread in `serve`. Whatever thread runs it, a sync asks the token source
// before every request (TOK-6, SMD-13), fails with the same code and exact text (SMD-6, the JSON.parse text the
// streamed reader replays, the SPEC §16 byte-cap text), logs the same lines, and yields the same snapshot.

/** The outcome of one sync through `source`: the nodes, or the error's code and text. */
async function outcome(source: SnapshotSource) {
  return source.bulkSnapshot(createRecordingLogger()).then(
    (snapshot) => ({ nodes: [...snapshot.nodes()] }),
    (err: unknown) => ({ code: (err as { code?: string }).code, message: (err as Error).message }),
  )
}

/** A client on this thread and a worker thread, with the same options. */
async function both(url: string, extra: Partial<SyncThreadOptions> = {}) {
  const options = { baseUrl: url, tokenSource: createStaticTokenSource(), userAgentVersion: 'test', timeoutMs: 5_000, ...extra }
  const thread = closeAfterTest(createSyncThread({ ...options, workerUrl: await syncWorkerUrl() }))
  return { here: createSmdClient(options), thread }
}

describe('bulk sync in a worker thread (issue 19)', () => {
  it('builds the snapshot this thread builds, and logs the duplicate IPs through the inventory logger (SMD-9)', async () => {
    const nodes = generateFakeNodes(300)
    const twin: FakeNode = { ...nodes[1]!, xname: fakeXname(400), interfaces: [{ mac: '02:00:00:00:04:00', ips: [{ ip: fakeNodeIp(1, 'HMN'), network: 'HMN' }] }] }
    const smd = closeAfterTest(await startFakeSmd({ nodes: [...nodes, twin] }))
    const { here, thread } = await both(smd.url)
    const logger = createRecordingLogger()
    const fromThread = await thread.bulkSnapshot(logger)
    expect([...fromThread.nodes()]).toEqual([...(await here.bulkSnapshot(createRecordingLogger())).nodes()])
    expect(fromThread.owner(fakeNodeIp(1, 'HMN'))?.xname).toBe(fakeXname(1))
    expect(logger.entries).toEqual([
      { level: 'warn', message: 'duplicate IP in SMD inventory; the first owner wins', fields: { ip: fakeNodeIp(1, 'HMN'), kept: fakeXname(1), ignored: fakeXname(400) } },
    ])
  })

  it('fails with the same code and exact text as this thread: bad JSON, a misfit record, a status, the byte cap', async () => {
    const smd = closeAfterTest(await startFakeSmd({ nodes: generateFakeNodes(20) }))
    const limit = Buffer.byteLength(JSON.stringify(fakeSmdData(generateFakeNodes(20)).endpoints)) + 64
    const { here, thread } = await both(smd.url, { maxResponseBytes: limit })
    const cases: Array<() => void> = [
      () => smd.inject('interfaces', { status: 200, body: '[{"ID":"a","ComponentID":"x1"},' }, 1),
      () => smd.inject('memberships', { status: 200, body: '[{"id":"x1","groupLabels":[42]}]' }, 1),
      () => smd.inject('components', { status: 503, body: '{"detail":"SMD is down"}' }, 1),
      () => smd.setNodes(generateFakeNodes(200)),
    ]
    for (const inject of cases) {
      inject()
      const expected = await outcome(here)
      inject()
      expect(await outcome(thread)).toEqual(expected)
      expect(expected).toMatchObject({ code: 'INVENTORY_UNAVAILABLE' })
    }
    const last = await outcome(thread)
    expect('message' in last && last.message).toMatch(/exceeds smd_max_response_bytes \(\d+ bytes\)/)
  })

  it('asks the token source before every request and refreshes after a 401 as this thread does (TOK-6, SMD-13)', async () => {
    const run = async (where: 'here' | 'thread') => {
      const smd = closeAfterTest(await startFakeSmd({ nodes: generateFakeNodes(5), tokens: ['new'] }))
      const tokens = createFakeTokenSource({ mode: 'bootstrap', tokens: ['old', 'new'] })
      const sources = await both(smd.url, { tokenSource: tokens })
      const result = await outcome(sources[where])
      const seen = smd.requests.map((r) => `${r.route} ${r.authorization}`).sort()
      return { result, calls: { ...tokens.calls }, seen }
    }
    const here = await run('here')
    expect(here.calls.token).toBe(4)
    expect(here.calls.refreshAfterRejection).toBeGreaterThan(0)
    expect(await run('thread')).toEqual(here)
  })

  it('fails closed with the token source text when dynamic auth is unhealthy, without calling SMD (TOK-9)', async () => {
    const smd = closeAfterTest(await startFakeSmd({ nodes: generateFakeNodes(5) }))
    const tokens = createFakeTokenSource({ mode: 'mtls' })
    tokens.setUnhealthy('service token refresh via x failed after 5 attempts: y')
    const { thread } = await both(smd.url, { tokenSource: tokens })
    expect(await outcome(thread)).toEqual({
      code: 'TOKEN_UNAVAILABLE',
      message: 'dynamic TokenSmith auth unhealthy: service token refresh via x failed after 5 attempts: y',
    })
    expect(smd.calls()).toBe(0)
  })

  it('ends a running sync on close, and the inventory keeps what it served (SMD-7)', async () => {
    const smd = closeAfterTest(await startFakeSmd({ nodes: generateFakeNodes(5) }))
    const { thread } = await both(smd.url)
    smd.inject('components', { delayMs: 10_000 }, 1)
    const running = outcome(thread)
    await new Promise((resolve) => setTimeout(resolve, 200))
    await thread.close()
    expect(await running).toMatchObject({ code: 'INVENTORY_UNAVAILABLE', message: expect.stringMatching(/^smd sync failed: /) })
  })

  it.each(SYNC_THREADS)('keeps the generation across an unchanged sync on %s (OPS-7)', async (thread) => {
    const { smd, inventory } = await rig({ nodes: generateFakeNodes(40) }, { thread })
    expect(await inventory.syncNow()).toBe(true)
    const generation = inventory.generation()
    const n3 = await inventory.node(fakeXname(3))
    expect(await inventory.syncNow()).toBe(true)
    expect(inventory.generation()).toBe(generation)
    expect(await inventory.node(fakeXname(3))).toBe(n3)
    smd.setNodes(generateFakeNodes(40).map((n, i) => (i === 3 ? { ...n, nid: 999 } : n)))
    expect(await inventory.syncNow()).toBe(true)
    expect(inventory.generation()).toBeGreaterThan(generation)
    expect((await inventory.node(fakeXname(3)))?.nid).toBe(999)
  })
})
