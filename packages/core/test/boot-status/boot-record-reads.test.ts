import { describe, expect, it } from 'vitest'
import { isMetadataError } from '../../src/errors.js'
import { createUnknownAddresses } from '../../src/boot-status/unknown-addresses.js'
import { ADDRESS, fleet, ROSTER, START, STUCK, TEMPLATED, STORED_GROUPS } from './_recorder.test-setup.js'

// BOOT: the unknown-address list, the record's bounds, the inventory roster and the reads (report, changes).

const N0 = 'x1000c0s0b0n0'
const N1 = 'x1000c0s0b0n1'
const N2 = 'x1000c0s1b0n0'

describe('unknown addresses (BOOT)', () => {
  it('lists an address that got 404 node not found, with its count, first and last time and last path', () => {
    const f = fleet()
    f.fetch('?', 'meta-data', { resolved: false, status: 404, client: '10.9.0.1' })
    f.clock.advance(1_000)
    f.fetch('?', 'group', { resolved: false, status: 404, client: '10.9.0.1', group: 'compute' })
    const unknown = f.recorder.report({}).unknownAddresses
    expect(unknown).toEqual({
      addresses: 1,
      requests: 2,
      dropped: 0,
      capacity: 3,
      entries: [
        { address: '10.9.0.1', requests: 2, firstSeenAt: new Date(START).toISOString(), lastSeenAt: new Date(START + 1_000).toISOString(), lastPath: '/compute.yaml' },
      ],
    })
  })

  it('keeps the first `capacity` addresses and only counts requests from the others as dropped', () => {
    const f = fleet()
    for (let i = 1; i <= 10; i++) {
      f.clock.advance(1)
      f.fetch('?', 'meta-data', { resolved: false, status: 404, client: `10.9.0.${i}` })
      f.fetch('?', 'vendor-data', { resolved: false, status: 404, client: `10.9.0.${i}` })
    }
    const unknown = f.recorder.report({}).unknownAddresses
    expect(unknown).toMatchObject({ addresses: 3, requests: 6, dropped: 14, capacity: 3 })
    // Newest first.
    expect(unknown.entries.map((e) => e.address)).toEqual(['10.9.0.3', '10.9.0.2', '10.9.0.1'])
    expect(f.recorder.size().unknownAddresses).toBe(3)
  })

  it('does not list other failures without a node (an inventory outage answers 503, not 404)', () => {
    const f = fleet()
    f.fetch('?', 'meta-data', { resolved: false, status: 503, client: '10.9.0.1' })
    expect(f.recorder.summary()).toMatchObject({ unknownAddresses: 0, unknownRequests: 0, unknownDropped: 0 })
  })

  it('createUnknownAddresses: a list of capacity 0 keeps nothing and counts everything as dropped', () => {
    const list = createUnknownAddresses(0)
    list.seen('10.0.0.1', 'meta-data', undefined, 1)
    expect([list.size, list.dropped, list.requests, list.list()]).toEqual([0, 1, 0, []])
  })
})

describe('boot record bounds (BOOT)', () => {
  it('keeps at most four group documents outside the memberships per node, whatever names a node asks for', () => {
    const f = fleet()
    f.fetch(N1, 'meta-data')
    for (let i = 0; i < 50; i++) {
      f.clock.advance(1)
      f.fetch(N1, 'group', { group: `junk${i}`, status: 404 })
    }
    f.clock.advance(1)
    f.fetch(N1, 'group', { group: 'green', status: 404 }) // a known group, but not N1's
    const n1 = f.recorder.node(N1)
    // The latest four names asked for, after the fixed documents.
    expect(n1?.documents[0]?.document).toBe('meta-data')
    expect(n1?.documents.slice(1).map((d) => d.document).sort()).toEqual(['green.yaml', 'junk47.yaml', 'junk48.yaml', 'junk49.yaml'])
    expect(n1).toMatchObject({ state: 'failing', lastDocument: 'green.yaml' })
    expect(f.recorder.size().documents).toBe(5)
  })

  it('counts group documents asked for before the inventory listed the node, once a roster pass does', () => {
    const f = fleet()
    f.recorder.setRoster([], () => false, []) // before SMD's first sync: nothing known
    for (const document of ['meta-data', 'user-data', 'vendor-data'] as const) f.fetch(N0, document)
    f.fetch(N0, 'group', { group: 'compute' })
    f.fetch(N0, 'group', { group: 'green' })
    f.recorder.setRoster(ROSTER, (l) => TEMPLATED.has(l), STORED_GROUPS)
    expect(f.recorder.node(N0)).toMatchObject({ state: 'configured', missing: [] })
  })

  it('a reboot returns the old boot entries to the pool', () => {
    const f = fleet()
    f.bootFully(N0)
    expect(f.recorder.size().documents).toBe(6)
    f.clock.advance(STUCK)
    f.fetch(N0, 'meta-data')
    expect(f.recorder.size().documents).toBe(1)
  })

  it('a request for an xname the inventory does not list yet adds the node (a live SMD lookup)', () => {
    const f = fleet()
    f.fetch('x9000c0s0b0n0', 'meta-data', { client: '10.1.1.1' })
    expect(f.recorder.node('x9000c0s0b0n0')).toMatchObject({ state: 'booting', groups: [] })
    expect(f.recorder.size().nodes).toBe(4)
  })

  it('keeps the known group documents of a node no roster pass listed yet, so the next pass can count them', () => {
    const f = fleet()
    const x = 'x9000c0s0b0n0'
    for (const document of ['meta-data', 'user-data', 'vendor-data'] as const) f.fetch(x, document, { client: '10.1.1.1' })
    f.fetch(x, 'group', { group: 'compute', client: '10.1.1.1' })
    f.fetch(x, 'group', { group: 'no-such-group', client: '10.1.1.1' })
    expect(f.recorder.node(x)?.documents.map((d) => d.document)).toEqual(['meta-data', 'user-data', 'vendor-data', 'compute.yaml', 'no-such-group.yaml'])
    f.recorder.setRoster([...ROSTER, { xname: x, groups: ['compute'] }], (l) => TEMPLATED.has(l), STORED_GROUPS)
    expect(f.recorder.node(x)).toMatchObject({ state: 'configured', groups: ['compute'], missing: [] })
  })
})

describe('boot record roster (BOOT)', () => {
  it('drops nodes gone from the inventory, adds new ones idle, and keeps the records of the others', () => {
    const f = fleet()
    f.bootFully(N0)
    f.fetch(N2, 'meta-data')
    f.recorder.setRoster([ROSTER[0]!, { xname: 'x1000c0s2b0n0', groups: ['compute'] }], (l) => TEMPLATED.has(l), STORED_GROUPS)
    expect(f.recorder.node(N2)).toBeUndefined()
    expect(f.recorder.node('x1000c0s2b0n0')?.state).toBe('idle')
    expect(f.stateOf(N0)).toBe('configured')
    expect(f.recorder.summary().summary).toMatchObject({ nodes: 2, configured: 1, idle: 1 })
    expect(f.recorder.summary().groups.storage).toMatchObject({ nodes: 0 })
    // The dropped node's address no longer maps to it.
    f.fetch(N2, 'user-data', { client: ADDRESS[N2] })
    expect(f.recorder.size().nodes).toBe(2)
  })

  it('a group that gains a template is required from then on: configured → booting until its document is fetched', () => {
    const f = fleet()
    for (const doc of ['meta-data', 'user-data', 'vendor-data'] as const) f.fetch(N2, doc)
    expect(f.stateOf(N2)).toBe('configured')
    f.recorder.setRoster(ROSTER, (l) => TEMPLATED.has(l) || l === 'storage', STORED_GROUPS)
    expect(f.recorder.node(N2)).toMatchObject({ state: 'booting', missing: ['storage.yaml'] })
    f.fetch(N2, 'group', { group: 'storage' })
    expect(f.stateOf(N2)).toBe('configured')
  })
})

describe('group pass (issue 19: Group writes without an inventory walk)', () => {
  it('setGroups leaves the record as a roster pass over the same nodes would, through template and name changes', () => {
    const f = fleet()
    const g = fleet()
    const steps: [listed: (label: string) => boolean, names: string[]][] = [
      [(l) => TEMPLATED.has(l) || l === 'storage', STORED_GROUPS],
      [(l) => l === 'green' || l === 'extra', [...STORED_GROUPS, 'extra']],
      [() => false, ['compute']],
      [(l) => TEMPLATED.has(l), STORED_GROUPS],
    ]
    const both = (act: (x: ReturnType<typeof fleet>) => void) => [f, g].forEach(act)
    both((x) => {
      x.fetch(N2, 'meta-data')
      x.fetch(N0, 'meta-data')
      x.fetch(N0, 'group', { group: 'extra' }) // not a membership, not stored yet
    })
    for (const [listed, names] of steps) {
      both((x) => x.clock.advance(1_000))
      f.recorder.setGroups(listed, names)
      g.recorder.setRoster(ROSTER, listed, names)
      expect(f.recorder.report({})).toEqual(g.recorder.report({}))
      expect(f.recorder.summary()).toEqual(g.recorder.summary())
      expect(f.recorder.changes(undefined)).toEqual(g.recorder.changes(undefined))
      expect(Object.keys(f.recorder.report({}).groups)).toEqual(expect.arrayContaining(names))
      both((x) => {
        x.fetch(N1, 'meta-data')
        x.fetch(N0, 'group', { group: 'green' })
        x.fetch(N2, 'vendor-data')
      })
    }
    expect(f.recorder.node(N0)).toEqual(g.recorder.node(N0))
  })
})

describe('roster pass over shared label lists (issue 19: a node table hands out one array per list)', () => {
  it('gives every node its own memberships whether label arrays are shared, equal or different', () => {
    const shared = ['compute', 'green']
    const nodes = (labels: (n: number) => readonly string[]) => [0, 1, 2, 3, 4].map((i) => ({ xname: `x1000c0s${i}b0n0`, groups: labels(i) }))
    const other = (i: number) => (i === 3 ? ['compute', 'blue'] : ['storage'])
    const f = fleet()
    const g = fleet()
    f.recorder.setRoster(nodes((i) => (i < 2 ? shared : i === 2 ? ['compute', 'green'] : other(i))), (l) => TEMPLATED.has(l), STORED_GROUPS)
    g.recorder.setRoster(nodes((i) => (i < 3 ? ['compute', 'green'] : other(i))), (l) => TEMPLATED.has(l), STORED_GROUPS)
    expect(f.recorder.report({})).toEqual(g.recorder.report({}))
    expect(f.recorder.report({}).nodes.map((n) => n.groups)).toEqual([shared, shared, shared, ['compute', 'blue'], ['storage']])
    expect(f.recorder.report({ group: 'blue' }).nodes.map((n) => n.xname)).toEqual(['x1000c0s3b0n0'])
  })
})

describe('boot record reads (BOOT)', () => {
  it('report: nodes in xname order, filtered by state, group and the time they entered their state, up to limit', () => {
    const f = fleet()
    f.bootFully(N1)
    f.clock.advance(60_000)
    f.bootFully(N0)
    f.fetch(N2, 'meta-data')
    const xnames = (query: Parameters<typeof f.recorder.report>[0]) => f.recorder.report(query).nodes.map((n) => n.xname)
    expect(xnames({})).toEqual([N0, N1, N2])
    expect(xnames({ states: ['configured'] })).toEqual([N0, N1])
    expect(xnames({ states: ['booting', 'idle'] })).toEqual([N2])
    expect(xnames({ group: 'compute', states: ['configured'] })).toEqual([N0, N1])
    expect(xnames({ group: 'green' })).toEqual([N0])
    expect(xnames({ since: START + 30_000 })).toEqual([N0, N2])
    expect(xnames({ until: START + 30_000 })).toEqual([N1])
    const limited = f.recorder.report({ limit: 1 })
    expect([limited.nodes.length, limited.matched]).toEqual([1, 3])
    expect(limited).toMatchObject({
      replica: { hostname: 'test-host', pid: 42 },
      settings: { quietPeriodSeconds: 60, stuckAfterSeconds: 300, maxUnknownAddresses: 3 },
    })
  })

  it('report and changes refuse an unknown group, naming the parameter', () => {
    const f = fleet()
    for (const read of [() => f.recorder.report({ group: 'comptue' }), () => f.recorder.changes(undefined, 'comptue')]) {
      let caught: unknown
      try {
        read()
      } catch (err) {
        caught = err
      }
      expect(isMetadataError(caught, 'VALIDATION_FAILED')).toBe(true)
      expect((caught as Error).message).toBe('invalid query parameter group: unknown group "comptue"')
    }
  })

  it('changes: everything first, then only nodes whose state changed, and everything again after the node list changed', () => {
    const f = fleet()
    const first = f.recorder.changes(undefined)
    expect(first).toMatchObject({ full: true, xnames: [N0, N1, N2], states: '000' })
    expect(first.unknownAddresses).toBeDefined()
    f.fetch(N1, 'meta-data')
    f.fetch(N1, 'user-data') // no state change
    const second = f.recorder.changes(first.cursor)
    expect(second).toMatchObject({ full: false, xnames: [N1], states: '1' })
    expect(second.unknownAddresses).toBeUndefined()
    expect(f.recorder.changes(second.cursor)).toMatchObject({ full: false, xnames: [], states: '' })
    f.fetch('?', 'meta-data', { resolved: false, status: 404, client: '10.9.0.1' })
    expect(f.recorder.changes(second.cursor).unknownAddresses?.addresses).toBe(1)
    f.recorder.setRoster(ROSTER.slice(0, 2), (l) => TEMPLATED.has(l), STORED_GROUPS)
    expect(f.recorder.changes(second.cursor)).toMatchObject({ full: true, xnames: [N0, N1], states: '01' })
  })

  it('changes for a group list only its members; attention names the newest stuck and failing nodes', () => {
    const f = fleet()
    f.fetch(N0, 'meta-data')
    f.fetch(N2, 'meta-data')
    f.clock.advance(STUCK)
    f.fetch(N1, 'meta-data', { status: 500 })
    const green = f.recorder.changes(undefined, 'green')
    expect(green).toMatchObject({ group: 'green', xnames: [N0], states: '4' })
    expect(green.attention).toEqual([{ xname: N0, state: 'stuck', since: new Date(START + STUCK).toISOString() }])
    const all = f.recorder.changes(undefined)
    expect(all.attention.map((a) => a.xname).sort()).toEqual([N0, N1, N2])
  })
})
