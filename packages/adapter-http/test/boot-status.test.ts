import { MetadataError } from '@metadata-service/core'
import { MOCK_N0, MOCK_N1 } from '@metadata-service/core/testing'
import { describe, expect, it } from 'vitest'
import { createServiceMetrics, type AdminAccessRequest } from '../src/index.js'
import { heldMetaData, N0_IP, postJson, read, startHarness, type Harness } from './_harness.js'
import { readEvents } from './_events.js'

// BOOT: the boot record fed by the NoCloud request path, and its admin API (/boot-status, /boot-status/nodes/{xname},
// /boot-status/events).

const N1_IP = '10.252.0.27'

async function report(h: Harness, query = ''): Promise<Record<string, unknown> & { nodes: Array<Record<string, unknown>> }> {
  const res = await h.fetch(`/boot-status${query}`)
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('application/json')
  return (await res.json()) as never
}

async function bootFully(h: Harness, ip: string): Promise<void> {
  for (const path of ['/meta-data', '/network-config', '/user-data', '/vendor-data']) expect((await h.fetch(path, { as: ip })).status).toBe(200)
}

describe('the boot record fed through the one NoCloud request path (BOOT)', () => {
  it('records each node request, user-data by its address, and unknown addresses (404 node not found)', async () => {
    const h = await startHarness({ bootStatus: {} })
    await bootFully(h, N0_IP)
    expect((await h.fetch('/meta-data', { as: N1_IP })).status).toBe(200)
    expect((await h.fetch('/meta-data', { as: '10.99.0.1' })).status).toBe(404)
    expect((await h.fetch('/meta-data/', { as: '10.99.0.1' })).status).toBe(404)
    // A probe's HEAD is no boot.
    expect((await h.fetch('/meta-data', { as: '10.252.0.28', method: 'HEAD' })).status).toBe(200)

    const body = await report(h)
    expect(body.summary).toEqual({ nodes: 3, idle: 1, booting: 1, configured: 1, 'phoned-home': 0, stuck: 0, failing: 0 })
    expect(body.nodes.map((n) => [n.xname, n.state])).toEqual([
      [MOCK_N0, 'configured'],
      [MOCK_N1, 'booting'],
      ['x1000c0s1b0n0', 'idle'],
    ])
    expect((body.nodes[0]?.documents as Array<{ document: string }>).map((d) => d.document)).toEqual([
      'meta-data',
      'user-data',
      'vendor-data',
      'network-config',
    ])
    expect(body.unknownAddresses).toMatchObject({
      addresses: 1,
      requests: 2,
      dropped: 0,
      entries: [{ address: '10.99.0.1', requests: 2, lastPath: '/meta-data' }],
    })
  })
})

describe('GET /boot-status (BOOT)', () => {
  it('filters by state and group, and names a group document a node failed on', async () => {
    const h = await startHarness({ bootStatus: {} })
    expect((await postJson(h, '/groups', { metadata: { name: 'compute' }, spec: { template: '#cloud-config\n' } })).status).toBe(201)
    await bootFully(h, N0_IP)
    await bootFully(h, N1_IP)
    expect((await h.fetch('/compute.yaml', { as: N0_IP })).status).toBe(200)
    expect((await h.fetch('/storage.yaml', { as: N1_IP })).status).toBe(404) // not a member: an error answer
    expect((await report(h, '?state=configured')).nodes.map((n) => n.xname)).toEqual([MOCK_N0])
    const failing = await report(h, '?state=failing&group=compute')
    expect(failing.nodes).toMatchObject([{ xname: MOCK_N1, state: 'failing', lastDocument: 'storage.yaml', lastStatus: 404, missing: ['compute.yaml'] }])
    expect(failing.matched).toBe(1)
    expect((await report(h, '?group=storage')).nodes.map((n) => n.xname)).toEqual(['x1000c0s1b0n0'])
  })

  it.each([
    ['?colour=red', 'unknown query parameter "colour" (expected state, group, since, until, limit)'],
    ['?state=sleeping', 'invalid query parameter state: "sleeping" (expected one of idle, booting, configured, phoned-home, stuck, failing)'],
    ['?group=nosuch', 'invalid query parameter group: unknown group "nosuch"'],
    ['?since=tomorrow', 'invalid query parameter since: "tomorrow" (expected an RFC 3339 time such as 2026-12-01T10:00:00Z, or a duration ago such as 15m)'],
    ['?since=1m&until=1h', 'invalid query parameters since and until: since (1m) is after until (1h)'],
    ['?limit=lots', 'invalid query parameter limit: "lots" (expected an integer from 0 to 100000)'],
  ])('answers 400 naming the parameter for %s', async (query, error) => {
    const h = await startHarness({ bootStatus: {} })
    expect(await read(await h.fetch(`/boot-status${query}`))).toEqual({ status: 400, type: 'application/json', body: JSON.stringify({ error, code: 400 }) })
  })

  it('GET /boot-status/nodes/{xname}: one record, or 404 naming the node', async () => {
    const h = await startHarness({ bootStatus: {} })
    await h.fetch('/meta-data', { as: N0_IP })
    expect(await (await h.fetch(`/boot-status/nodes/${MOCK_N0}`)).json()).toMatchObject({ xname: MOCK_N0, state: 'booting', address: N0_IP })
    expect(await read(await h.fetch('/boot-status/nodes/x9'))).toEqual({
      status: 404,
      type: 'application/json',
      body: JSON.stringify({ error: 'node x9 not found in the boot record', code: 404 }),
    })
  })

  it('asks the SEC-6 hook as a read of BootStatus, and answers its refusal', async () => {
    const asked: AdminAccessRequest[] = []
    const h = await startHarness({
      bootStatus: {},
      authorize: (request) => {
        asked.push(request)
        if (request.authorization !== 'Bearer ok') throw new MetadataError('UNAUTHENTICATED', 'bearer token required')
      },
    })
    expect((await h.fetch('/boot-status')).status).toBe(401)
    expect((await h.fetch('/boot-status/events')).status).toBe(401)
    expect((await h.fetch(`/boot-status/nodes/${MOCK_N0}`)).status).toBe(401)
    expect((await h.fetch('/boot-status', { headers: { Authorization: 'Bearer ok' } })).status).toBe(200)
    expect(asked.map((a) => [a.kind, a.write, a.method])).toEqual(Array(4).fill(['BootStatus', false, 'GET']))
  })

  it('believes X-Forwarded-For only from a trusted proxy (ID-2): from anyone else the socket peer is the client', async () => {
    const h = await startHarness({ bootStatus: {}, app: { trustedProxies: [] } })
    expect((await h.fetch('/meta-data', { as: N0_IP })).status).toBe(404)
    const body = await report(h)
    expect(body.summary).toMatchObject({ idle: 3 })
    expect(body.unknownAddresses).toMatchObject({ entries: [{ address: '127.0.0.1' }] })
  })

  it('still answers while the service sheds load (OPS-3), like the SVC routes: a storm is when it is needed', async () => {
    const held = heldMetaData()
    const h = await startHarness({
      bootStatus: {},
      app: { maxInflight: 1 },
      wrapNocloud: held.wrapNocloud,
    })
    const slow = h.fetch('/meta-data', { as: N0_IP })
    await held.inside
    expect((await h.fetch('/user-data')).status).toBe(503)
    expect((await h.fetch('/boot-status')).status).toBe(200)
    expect((await h.fetch('/status')).status).toBe(200)
    held.open()
    expect((await slow).status).toBe(200)
  })

  it('is not served when the record is off (boot_status: false)', async () => {
    const h = await startHarness()
    expect((await h.fetch('/boot-status')).status).toBe(404)
    expect((await h.fetch('/status')).status).toBe(404)
  })
})

describe('GET /boot-status/events (BOOT)', () => {
  it('sends a snapshot at once, then the nodes whose state changed, throttled', async () => {
    const h = await startHarness({ bootStatus: {}, app: { bootEventsIntervalMs: 50 } })
    const events = readEvents(`${h.url}/boot-status/events`)
    const snapshot = await events.next()
    expect(snapshot.event).toBe('snapshot')
    expect(snapshot.data).toMatchObject({ full: true, xnames: [MOCK_N0, MOCK_N1, 'x1000c0s1b0n0'], states: '000' })
    await h.fetch('/meta-data', { as: N1_IP })
    const changes = await events.next()
    expect(changes.event).toBe('changes')
    expect(changes.data).toMatchObject({ full: false, xnames: [MOCK_N1], states: '1', summary: { booting: 1, idle: 2 } })
    events.close()
  })

  it('limits the nodes to a group, and answers 400 before streaming for an unknown group or parameter', async () => {
    const h = await startHarness({ bootStatus: {} })
    const events = readEvents(`${h.url}/boot-status/events?group=storage`)
    expect((await events.next()).data).toMatchObject({ group: 'storage', xnames: ['x1000c0s1b0n0'] })
    events.close()
    expect(await read(await h.fetch('/boot-status/events?group=nosuch'))).toMatchObject({ status: 400, body: JSON.stringify({ error: 'invalid query parameter group: unknown group "nosuch"', code: 400 }) })
    expect((await h.fetch('/boot-status/events?state=stuck')).status).toBe(400)
  })

  it('ends open streams when the server closes, instead of holding it for the drain time (OPS-4)', async () => {
    const h = await startHarness({ bootStatus: {} })
    const events = readEvents(`${h.url}/boot-status/events`)
    await events.next()
    // Without the close hook this waits out the 60 s drain, past the test's timeout.
    await h.close(60_000)
    await events.ended
  })
})

describe('boot status metrics (BOOT, SVC-4)', () => {
  it('shows nodes per state and per group, and the unknown-address list, without per-node labels', async () => {
    const h = await startHarness({
      bootStatus: { maxUnknownAddresses: 1 },
      metrics: ({ bootStatus }) => createServiceMetrics(bootStatus === undefined ? {} : { bootStatus: () => bootStatus.summary() }),
    })
    await bootFully(h, N0_IP)
    await h.fetch('/meta-data', { as: N1_IP })
    await h.fetch('/meta-data', { as: '10.99.0.1' })
    await h.fetch('/vendor-data', { as: '10.99.0.1' })
    await h.fetch('/meta-data', { as: '10.99.0.2' })
    const text = await (await h.fetch('/metrics')).text()
    const value = (series: string) => Number(text.split('\n').find((line) => line.startsWith(`${series} `))?.split(' ')[1])
    expect(value('metadata_service_boot_nodes{state="configured"}')).toBe(1)
    expect(value('metadata_service_boot_nodes{state="booting"}')).toBe(1)
    expect(value('metadata_service_boot_nodes{state="idle"}')).toBe(1)
    expect(value('metadata_service_boot_group_nodes{group="compute",state="configured"}')).toBe(1)
    expect(value('metadata_service_boot_group_nodes{group="compute",state="booting"}')).toBe(1)
    expect(value('metadata_service_boot_group_nodes{group="storage",state="idle"}')).toBe(1)
    expect(value('metadata_service_boot_unknown_addresses')).toBe(1)
    expect(value('metadata_service_boot_unknown_requests_total')).toBe(2)
    expect(value('metadata_service_boot_unknown_dropped_total')).toBe(1)
    expect(text).not.toMatch(/boot_[a-z_]+\{[^}]*x1000/)
  })
})
