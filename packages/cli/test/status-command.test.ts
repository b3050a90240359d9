import type { BootChanges, BootReport } from '@metadata-service/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../src/main.js'
import { renderWatchFrame, watchRecord } from '../src/output/status-watch.js'
import { fakeIo, startStub, type SeenRequest, type StubAnswer } from './helpers.js'

// BOOT `metadata-service status` against a stub server: what it asks, how it prints, and its usage errors. The
// real server is in boot-status.e2e.test.ts.

const counts = (over: Partial<BootReport['summary']> = {}) => ({ nodes: 3, idle: 1, booting: 0, configured: 1, 'phoned-home': 0, stuck: 1, failing: 0, ...over })
const REPORT: BootReport = {
  replica: { hostname: 'mds-1', pid: 4242, startedAt: '2026-12-01T10:00:00.000Z' },
  generatedAt: '2026-12-01T10:10:00.000Z',
  settings: { quietPeriodSeconds: 60, stuckAfterSeconds: 300, maxUnknownAddresses: 1024 },
  summary: counts(),
  groups: { compute: counts() },
  nodes: [
    {
      xname: 'x1000c0s0b0n1',
      state: 'stuck',
      stateSince: '2026-12-01T10:05:00.000Z',
      groups: ['compute'],
      lastDocument: 'user-data',
      lastStatus: 200,
      address: '10.252.0.27',
      documents: [],
      missing: ['vendor-data', 'compute.yaml'],
    },
  ],
  matched: 1,
  unknownAddresses: {
    addresses: 1,
    requests: 1,
    dropped: 0,
    capacity: 1024,
    entries: [{ address: '10.9.9.9', requests: 1, firstSeenAt: '2026-12-01T10:01:00.000Z', lastSeenAt: '2026-12-01T10:01:00.000Z', lastPath: '/meta-data' }],
  },
}

let stub: Awaited<ReturnType<typeof startStub>>
let answer: (req: SeenRequest) => StubAnswer

beforeEach(async () => {
  answer = () => ({ status: 200, body: REPORT })
  stub = await startStub((req) => answer(req))
})
afterEach(async () => {
  await stub.close()
})

/** `status` as a person at a terminal runs it (a table unless `-o` says otherwise). */
async function run(argv: string[]) {
  const io = fakeIo({ tty: true })
  const code = await runCli(['--server', stub.url, ...argv], io)
  return { code, out: io.stdoutText(), err: io.stderrText() }
}

describe('metadata-service status (BOOT)', () => {
  it('asks for the nodes that need attention and prints counts, groups, those nodes and the unknown addresses', async () => {
    const { code, out, err } = await run(['status'])
    expect({ code, err }).toEqual({ code: 0, err: '' })
    expect(stub.requests.map((r) => r.url)).toEqual(['/boot-status?state=stuck%2Cfailing'])
    expect(out).toBe(
      [
        'Boot status: record of mds-1 (pid 4242) since 2026-12-01T10:00:00.000Z',
        '',
        'NODES  IDLE  BOOTING  CONFIGURED  PHONED-HOME  STUCK  FAILING',
        '3      1     0        1           0            1      0',
        '',
        'GROUP    NODES  IDLE  BOOTING  CONFIGURED  PHONED-HOME  STUCK  FAILING',
        'compute  3      1     0        1           0            1      0',
        '',
        'NODES STUCK, FAILING: 1',
        '',
        'XNAME          STATE  SINCE                     LAST REQUEST  STATUS  ADDRESS      MISSING',
        'x1000c0s0b0n1  stuck  2026-12-01T10:05:00.000Z  user-data     200     10.252.0.27  vendor-data,compute.yaml',
        '',
        'UNKNOWN ADDRESSES: 1 (1 request)',
        'ADDRESS   REQUESTS  FIRST SEEN                LAST SEEN                 LAST PATH',
        '10.9.9.9  1         2026-12-01T10:01:00.000Z  2026-12-01T10:01:00.000Z  /meta-data',
        '',
      ].join('\n'),
    )
  })

  it('passes --group, --state and --since on, and prints the answer as it is with -o json', async () => {
    const { code, out } = await run(['status', '--group', 'compute', '--state', 'all', '--since', '15m', '-o', 'json'])
    expect(code).toBe(0)
    expect(stub.requests.map((r) => r.url)).toEqual(['/boot-status?group=compute&since=15m'])
    expect(JSON.parse(out)).toEqual(REPORT)
  })

  it('--wait exits 0 once nothing is pending, asking for the states that do not count as done', async () => {
    answer = () => ({ status: 200, body: { ...REPORT, nodes: [], matched: 0 } })
    const { code, out } = await run(['status', '--wait', 'configured', '--group', 'compute'])
    expect({ code, out }).toEqual({ code: 0, out: 'All 3 nodes of group compute are configured (or phoned home).\n' })
    expect(stub.requests.map((r) => r.url)).toEqual(['/boot-status?state=idle%2Cbooting%2Cstuck%2Cfailing&group=compute&limit=100000'])
    await run(['status', '--wait', 'phoned-home'])
    expect(stub.requests.at(-1)?.url).toBe('/boot-status?state=idle%2Cbooting%2Cconfigured%2Cstuck%2Cfailing&limit=100000')
  })

  it('says in words when the server keeps no boot status', async () => {
    answer = () => ({ status: 404, body: 'not found\n', contentType: 'text/plain' })
    const { code, err } = await run(['status'])
    expect(code).toBe(1)
    expect(err).toBe(`Error: ${stub.url} keeps no boot status: it runs with boot_status off (--no-boot-status), or predates it\n`)
  })

  it.each([
    [['--wait', 'booted'], 'invalid value for --wait: "booted" (expected configured or phoned-home)'],
    [['--wait', 'configured', '--watch'], '--wait and --watch cannot be combined'],
    [['--wait', 'configured', '--state', 'stuck'], '--wait and --state cannot be combined'],
    [['--wait', 'configured', '--timeout', 'soon'], 'invalid value for --timeout: "soon" (with --wait: a duration such as 15m or 90s, or seconds)'],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const { code, err } = await run(['status', ...args])
    expect(code).toBe(2)
    expect(err).toBe(`Error: ${message}\nRun 'metadata-service status --help' for usage.\n`)
    expect(stub.requests).toEqual([])
  })
})

describe('status --watch frames (BOOT)', () => {
  const event: BootChanges = {
    replica: REPORT.replica,
    generatedAt: '2026-12-01T10:10:00.000Z',
    cursor: { seq: 9, unknown: 1 },
    full: false,
    xnames: [],
    states: '',
    summary: counts({ nodes: 4, idle: 0, configured: 2, 'phoned-home': 1 }),
    groups: {},
    attention: [{ xname: 'x1000c0s0b0n1', state: 'stuck', since: '2026-12-01T10:05:00.000Z' }],
  }

  it('draws counts, a progress bar of configured and phoned-home nodes, the newest stuck nodes and unknown addresses', () => {
    expect(renderWatchFrame({ event, unknown: REPORT.unknownAddresses })).toBe(
      [
        'Boot status of all nodes at 2026-12-01T10:10:00.000Z (record of mds-1, pid 4242)',
        `[${'#'.repeat(30)}${'.'.repeat(10)}] 3/4 configured or phoned home (75%)`,
        'idle 0   booting 0   configured 2   phoned-home 1   stuck 1   failing 0',
        '',
        'Newest stuck and failing nodes:',
        'XNAME          STATE  SINCE',
        'x1000c0s0b0n1  stuck  2026-12-01T10:05:00.000Z',
        '',
        'Unknown addresses: 1 (1 request)',
        '',
      ].join('\n'),
    )
  })

  it('gives scripts the counts and attention list without the per-node lists', () => {
    expect(watchRecord({ event: { ...event, xnames: ['x1'], states: '1' }, unknown: undefined })).toEqual({
      generatedAt: event.generatedAt,
      summary: event.summary,
      attention: event.attention,
    })
  })
})
