import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { getPriority, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { createFakeTokenSource, createRecordingLogger, type RecordingLogger } from '@metadata-service/core/testing'
import { sameNodeTableData } from '@metadata-service/core'
import { createSmdClient, createStaticTokenSource, createSyncProcess, EMPTY_SNAPSHOT, type SnapshotSource, type SyncProcessOptions } from '../src/index.js'
import { fakeNodeIp, fakeSmdData, fakeXname, generateFakeNodes, startFakeSmd, type FakeNode } from '../src/testing/index.js'
import { SYNC_PLACES, closeAfterTest, rig } from './_setup.js'
import { SYNC_CHILD_NICENESS } from '../src/sync-process.js'
import { syncChildUrl } from './_sync-child-build.js'

// Issue 19: bulk syncs run in a child process in `serve`. Wherever it runs, a sync asks the token source before
// every request (TOK-6, SMD-13), fails with the same code and exact text (SMD-6, the JSON.parse text the streamed
// reader replays, the SPEC §16 byte-cap text), logs the same lines, and yields the same snapshot. A child that
// dies, is killed or exits early fails that sync only (SMD-7), and none outlives close().

/** The outcome of one sync through `source`: the nodes, or the error's code and text. */
async function outcome(source: SnapshotSource) {
  return source.bulkSnapshot(createRecordingLogger()).then(
    (snapshot) => ({ nodes: [...snapshot.nodes()] }),
    (err: unknown) => ({ code: (err as { code?: string }).code, message: (err as Error).message }),
  )
}

/** A client on this thread and one in child processes, with the same options. */
async function both(url: string, extra: Partial<SyncProcessOptions> = {}) {
  const options = { baseUrl: url, tokenSource: createStaticTokenSource(), userAgentVersion: 'test', timeoutMs: 5_000, ...extra }
  const child = closeAfterTest(createSyncProcess({ entryUrl: await syncChildUrl(), ...options }))
  return { here: createSmdClient(options), child }
}

/** The pids of the sync children `logger` saw started. */
const childPids = (logger: RecordingLogger): number[] =>
  logger.entries.filter((e) => e.message === 'SMD sync process started').map((e) => e.fields?.childPid as number)

/** True while a process `pid` exists (signal 0 only checks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'mds-sync-child-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** A child entry that runs `code` instead of a sync. */
function entry(name: string, code: string): URL {
  const file = join(scratch, `${name}.mjs`)
  writeFileSync(file, code)
  return pathToFileURL(file)
}

describe('bulk sync in a child process (issue 19)', () => {
  it('builds the snapshot this thread builds, and logs the duplicate IPs through the inventory logger (SMD-9)', async () => {
    const nodes = generateFakeNodes(300)
    const twin: FakeNode = { ...nodes[1]!, xname: fakeXname(400), interfaces: [{ mac: '02:00:00:00:04:00', ips: [{ ip: fakeNodeIp(1, 'HMN'), network: 'HMN' }] }] }
    const smd = closeAfterTest(await startFakeSmd({ nodes: [...nodes, twin] }))
    const { here, child } = await both(smd.url)
    const logger = createRecordingLogger()
    const fromChild = await child.bulkSnapshot(logger)
    expect([...fromChild.nodes()]).toEqual([...(await here.bulkSnapshot(createRecordingLogger())).nodes()])
    expect(fromChild.owner(fakeNodeIp(1, 'HMN'))?.xname).toBe(fakeXname(1))
    expect(childPids(logger)).toHaveLength(1)
    expect(logger.entries.filter((e) => e.level !== 'debug')).toEqual([
      { level: 'warn', message: 'duplicate IP in SMD inventory; the first owner wins', fields: { ip: fakeNodeIp(1, 'HMN'), kept: fakeXname(1), ignored: fakeXname(400) } },
    ])
  })

  it('fails with the same code and exact text as this thread: bad JSON, a misfit record, a status, the byte cap', async () => {
    const smd = closeAfterTest(await startFakeSmd({ nodes: generateFakeNodes(20) }))
    const limit = Buffer.byteLength(JSON.stringify(fakeSmdData(generateFakeNodes(20)).endpoints)) + 64
    const { here, child } = await both(smd.url, { maxResponseBytes: limit })
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
      expect(await outcome(child)).toEqual(expected)
      expect(expected).toMatchObject({ code: 'INVENTORY_UNAVAILABLE' })
    }
    const last = await outcome(child)
    expect('message' in last && last.message).toMatch(/exceeds smd_max_response_bytes \(\d+ bytes\)/)
  })

  it('asks the token source before every request and refreshes after a 401 as this thread does (TOK-6, SMD-13)', async () => {
    const run = async (where: 'here' | 'child') => {
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
    // The child has no token source of its own: these are the calls it made of this process's (the fake's).
    expect(await run('child')).toEqual(here)
  })

  it('fails closed with the token source text when dynamic auth is unhealthy, without calling SMD (TOK-9)', async () => {
    const smd = closeAfterTest(await startFakeSmd({ nodes: generateFakeNodes(5) }))
    const tokens = createFakeTokenSource({ mode: 'mtls' })
    tokens.setUnhealthy('service token refresh via x failed after 5 attempts: y')
    const { child } = await both(smd.url, { tokenSource: tokens })
    expect(await outcome(child)).toEqual({
      code: 'TOKEN_UNAVAILABLE',
      message: 'dynamic TokenSmith auth unhealthy: service token refresh via x failed after 5 attempts: y',
    })
    expect(smd.calls()).toBe(0)
  })

  it('kills a running child on close: the sync fails and no process is left (SMD-7)', async () => {
    const smd = closeAfterTest(await startFakeSmd({ nodes: generateFakeNodes(5) }))
    const { child } = await both(smd.url)
    smd.inject('components', { delayMs: 10_000 }, 1)
    const logger = createRecordingLogger()
    const running = child.bulkSnapshot(logger).catch((err: unknown) => err)
    await vi.waitFor(() => expect(smd.calls('components')).toBe(1), { timeout: 10_000 })
    const [pid] = childPids(logger)
    expect(alive(pid!)).toBe(true)
    await child.close()
    expect(alive(pid!)).toBe(false)
    expect(await running).toMatchObject({ code: 'INVENTORY_UNAVAILABLE', message: 'smd sync failed: the sync process was killed by SIGKILL' })
    // Ended on purpose: no failure line.
    expect(logger.entries.filter((e) => e.level !== 'debug')).toEqual([])
  })

  it('fails a sync whose child is killed mid-sync, and keeps serving the last snapshot (SMD-7, SMD-9)', async () => {
    const { smd, inventory, logger } = await rig({ nodes: generateFakeNodes(10) }, { syncIn: 'a child process' })
    expect(await inventory.syncNow()).toBe(true)
    smd.setNodes(generateFakeNodes(3))
    smd.inject('components', { delayMs: 10_000 }, 1)
    const second = inventory.syncNow()
    await vi.waitFor(() => expect(smd.calls('components')).toBe(2), { timeout: 10_000 })
    const pid = childPids(logger)[1]!
    process.kill(pid, 'SIGKILL')
    expect(await second).toBe(false)
    expect(alive(pid)).toBe(false)
    expect(logger.entries).toContainEqual({
      level: 'warn',
      message: 'SMD sync failed; keeping the previous snapshot',
      fields: { error: 'smd sync failed: the sync process was killed by SIGKILL', failures: 1 },
    })
    expect(logger.entries).toContainEqual({ level: 'warn', message: 'SMD sync process failed', fields: { reason: 'the sync process was killed by SIGKILL' } })
    expect(inventory.health()).toMatchObject({ ready: true, nodes: 10 })
    expect((await inventory.resolve(fakeNodeIp(7, 'HMN')))?.xname).toBe(fakeXname(7))
    // The next sync starts a new child and takes SMD's new state.
    expect(await inventory.syncNow()).toBe(true)
    expect(inventory.health()).toMatchObject({ ready: true, nodes: 3 })
  })

  it('fails with the exit code and logs the stderr tail of a child that exits early or cannot load its code', async () => {
    const cases = [
      { entryUrl: entry('exits', "process.stderr.write('boom: the sync child gave up\\n'); process.exit(3)\n"), reason: 'the sync process exited with code 3', stderr: /^boom: the sync child gave up$/ },
      { entryUrl: entry('silent', '// does nothing: ends as soon as it is loaded\n'), reason: 'the sync process exited with code 0', stderr: undefined },
      { entryUrl: pathToFileURL(join(scratch, 'missing.mjs')), reason: 'the sync process exited with code 1', stderr: /Cannot find module/ },
    ]
    for (const { entryUrl, reason, stderr } of cases) {
      const source = closeAfterTest(createSyncProcess({ entryUrl, baseUrl: 'http://127.0.0.1:9', tokenSource: createStaticTokenSource(), userAgentVersion: 'test' }))
      const logger = createRecordingLogger()
      const err = await source.bulkSnapshot(logger).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'INVENTORY_UNAVAILABLE', message: `smd sync failed: ${reason}` })
      const line = logger.entries.find((e) => e.message === 'SMD sync process failed')
      expect(line?.fields).toEqual(stderr === undefined ? { reason } : { reason, stderr: expect.stringMatching(stderr) })
      expect(alive(childPids(logger)[0]!)).toBe(false)
    }
  })

  /** What a child reports about how it was started, with `nodeOptions` as this process's NODE_OPTIONS. */
  async function childStart(nodeOptions: string): Promise<unknown> {
    const report = entry(
      'report',
      "import { readlinkSync } from 'node:fs'\n" +
        'process.stderr.write(JSON.stringify({ execPath: process.execPath, execArgv: process.execArgv, nodeOptions: process.env.NODE_OPTIONS, ' +
        "stdout: readlinkSync('/proc/self/fd/1'), mark: process.argv[2] }))\nprocess.exit(5)\n",
    )
    vi.stubEnv('NODE_OPTIONS', nodeOptions)
    try {
      const source = closeAfterTest(createSyncProcess({ entryUrl: report, baseUrl: 'http://127.0.0.1:9', tokenSource: createStaticTokenSource(), userAgentVersion: 'test' }))
      const logger = createRecordingLogger()
      await expect(source.bulkSnapshot(logger)).rejects.toThrow('smd sync failed: the sync process exited with code 5')
      const line = logger.entries.find((e) => e.message === 'SMD sync process failed')
      return JSON.parse(line?.fields?.stderr as string)
    } finally {
      vi.unstubAllEnvs()
    }
  }

  it('starts the child with this Node.js, a 16 MiB semi-space, NODE_OPTIONS without debugging or profiling flags, stdout on /dev/null', async () => {
    expect(await childStart('--max-old-space-size=300 --inspect-port=0 --cpu-prof-dir=/nonexistent --heap-prof-interval=1024 --prof')).toEqual({
      execPath: process.execPath,
      execArgv: ['--max-semi-space-size=16'],
      nodeOptions: '--max-old-space-size=300',
      stdout: '/dev/null',
      mark: 'metadata-service/smd-sync',
    })
  })

  it("leaves the child's semi-space to an operator who sets one in NODE_OPTIONS, in either spelling (issue 19)", async () => {
    expect(await childStart('--max-semi-space-size=64')).toMatchObject({ execArgv: [], nodeOptions: '--max-semi-space-size=64' })
    expect(await childStart('--max_semi_space_size=32')).toMatchObject({ execArgv: [], nodeOptions: '--max_semi_space_size=32' })
  })

  it('runs the child 3 nice levels below this thread before it is told to start, so a sync waits for requests on a shared core (issue 19)', async () => {
    // What the child's threads run at once `start` arrives (the 19th field of /proc/<pid>/task/<tid>/stat).
    const report = entry(
      'priority',
      "import { readdirSync, readFileSync } from 'node:fs'\nimport { getPriority } from 'node:os'\n" +
        "process.on('message', (m) => { if (m.type !== 'start') return\n" +
        "  const threads = readdirSync('/proc/self/task').map((t) => Number(readFileSync(`/proc/self/task/${t}/stat`, 'utf8').split(') ')[1].split(' ')[16]))\n" +
        '  process.stderr.write(JSON.stringify({ main: getPriority(), threads })); process.exit(5) })\n',
    )
    const source = closeAfterTest(createSyncProcess({ entryUrl: report, baseUrl: 'http://127.0.0.1:9', tokenSource: createStaticTokenSource(), userAgentVersion: 'test' }))
    const logger = createRecordingLogger()
    await expect(source.bulkSnapshot(logger)).rejects.toThrow('smd sync failed: the sync process exited with code 5')
    const started = JSON.parse(logger.entries.find((e) => e.message === 'SMD sync process failed')?.fields?.stderr as string) as { main: number; threads: number[] }
    const expected = Math.min(19, getPriority() + SYNC_CHILD_NICENESS)
    expect(SYNC_CHILD_NICENESS).toBe(3)
    expect(started.main).toBe(expected)
    // Its first thread is the main one; the threads Node starts after the fork inherit the level (all of them here,
    // but one started before setPriority would keep ours, so only the main thread is asserted).
    expect(started.threads[0]).toBe(expected)
  })

  it('sends only a digest when SMD builds the served table, and the served snapshot comes back as it is (issue 19)', async () => {
    const smd = closeAfterTest(await startFakeSmd({ nodes: generateFakeNodes(2_000) }))
    const { here, child } = await both(smd.url)
    const logger = createRecordingLogger()
    const first = await child.bulkSnapshot(logger)
    const again = await child.bulkSnapshot(logger, first)
    expect(again).toBe(first)
    expect(logger.entries.filter((e) => e.message === 'SMD sync process found the served table unchanged')).toHaveLength(1)
    // A served snapshot this source did not deliver has no digest here: the child sends the whole table.
    const elsewhere = await here.bulkSnapshot(createRecordingLogger())
    const copied = await child.bulkSnapshot(logger, elsewhere)
    expect(copied).not.toBe(elsewhere)
    expect(sameNodeTableData(copied.data, elsewhere.data)).toBe(true)
    // SMD changed: a new table, whichever snapshot is served.
    smd.setNodes(generateFakeNodes(2_000).map((n, i) => (i === 7 ? { ...n, nid: 4242 } : n)))
    const changed = await child.bulkSnapshot(logger, first)
    expect(changed).not.toBe(first)
    expect(changed.node(fakeXname(7))?.nid).toBe(4242)
    expect(logger.entries.filter((e) => e.message === 'SMD sync process found the served table unchanged')).toHaveLength(1)
  })

  it('fails a sync whose child claims a table is unchanged that it was not asked about', async () => {
    const liar = entry(
      'liar',
      "process.on('message', (m) => { if (m.type === 'start') process.send({ type: 'unchanged', digest: 'f00d' }, () => process.exit(0)) })\n",
    )
    const source = closeAfterTest(createSyncProcess({ entryUrl: liar, baseUrl: 'http://127.0.0.1:9', tokenSource: createStaticTokenSource(), userAgentVersion: 'test' }))
    const logger = createRecordingLogger()
    await expect(source.bulkSnapshot(logger)).rejects.toThrow('smd sync failed: the sync process matched a table that is not served')
    await expect(source.bulkSnapshot(logger, EMPTY_SNAPSHOT)).rejects.toThrow('smd sync failed: the sync process matched a table that is not served')
  })

  it.each(SYNC_PLACES)('keeps the generation across an unchanged sync on %s (OPS-7)', async (syncIn) => {
    const { smd, inventory } = await rig({ nodes: generateFakeNodes(40) }, { syncIn })
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
