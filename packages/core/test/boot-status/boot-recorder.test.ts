import { describe, expect, it } from 'vitest'
import { fleet, QUIET, START, STUCK } from './_recorder.test-setup.js'

// BOOT (SPEC §16, docs/spec-addendum.md "Boot status"): the per-node state machine of the boot record.

const N0 = 'x1000c0s0b0n0'
const N1 = 'x1000c0s0b0n1'
const N2 = 'x1000c0s1b0n0'

describe('boot record: states (BOOT)', () => {
  it('starts every inventory node idle, with no boot', () => {
    const f = fleet()
    expect(f.recorder.summary().summary).toEqual({ nodes: 3, idle: 3, booting: 0, configured: 0, 'phoned-home': 0, stuck: 0, failing: 0 })
    const n0 = f.recorder.node(N0)
    expect(n0).toMatchObject({ xname: N0, state: 'idle', groups: ['compute', 'green'], documents: [] })
    expect(n0?.bootStartedAt).toBeUndefined()
    expect(n0?.missing).toEqual(['meta-data', 'user-data', 'vendor-data', 'compute.yaml', 'green.yaml'])
  })

  it('idle → booting on meta-data; the boot and the state start at that request', () => {
    const f = fleet()
    f.fetch(N0, 'meta-data')
    expect(f.recorder.node(N0)).toMatchObject({
      state: 'booting',
      stateSince: new Date(START).toISOString(),
      bootStartedAt: new Date(START).toISOString(),
      lastDocument: 'meta-data',
      lastStatus: 200,
      address: '10.252.0.26',
      documents: [{ document: 'meta-data', status: 200, address: '10.252.0.26' }],
    })
  })

  it('idle → booting on network-config too, and on any first request of a node the record has not seen booting', () => {
    const f = fleet()
    f.fetch(N0, 'network-config')
    f.fetch(N1, 'vendor-data')
    expect([f.stateOf(N0), f.stateOf(N1)]).toEqual(['booting', 'booting'])
  })

  it('booting → configured once meta-data, user-data, vendor-data and every listed group document are 200', () => {
    const f = fleet()
    for (const doc of ['meta-data', 'user-data', 'vendor-data'] as const) f.fetch(N0, doc)
    expect(f.recorder.node(N0)).toMatchObject({ state: 'booting', missing: ['compute.yaml', 'green.yaml'] })
    f.fetch(N0, 'group', { group: 'compute' })
    expect(f.stateOf(N0)).toBe('booting')
    f.fetch(N0, 'group', { group: 'green' })
    expect(f.recorder.node(N0)).toMatchObject({ state: 'configured', missing: [] })
    // network-config is not required: cloud-init may use its own.
    expect(f.recorder.node(N0)?.documents.map((d) => d.document)).toEqual(['meta-data', 'user-data', 'vendor-data', 'compute.yaml', 'green.yaml'])
  })

  it('a node whose groups have no template is configured after meta-data, user-data and vendor-data', () => {
    const f = fleet()
    for (const doc of ['meta-data', 'user-data', 'vendor-data'] as const) f.fetch(N2, doc)
    expect(f.stateOf(N2)).toBe('configured')
  })

  it('user-data (which names no node) counts for the node whose documents came from that address', () => {
    const f = fleet()
    f.fetch(N2, 'meta-data')
    f.fetch(N2, 'vendor-data')
    f.fetch(N2, 'user-data') // resolved: false, from 10.252.0.28
    expect(f.stateOf(N2)).toBe('configured')
    // From an address no node used: nothing is recorded, and it is not an unknown address either.
    f.fetch('nobody', 'user-data', { client: '10.9.9.9' })
    expect(f.recorder.summary().unknownAddresses).toBe(0)
  })

  it('booting → failing on an error answer, and back when the next request succeeds', () => {
    const f = fleet()
    f.fetch(N0, 'meta-data')
    f.fetch(N0, 'group', { group: 'compute', status: 500 })
    expect(f.recorder.node(N0)).toMatchObject({ state: 'failing', lastStatus: 500, lastDocument: 'compute.yaml' })
    f.fetch(N0, 'group', { group: 'compute', status: 500 })
    expect(f.stateOf(N0)).toBe('failing')
    f.fetch(N0, 'group', { group: 'compute' })
    expect(f.stateOf(N0)).toBe('booting')
    for (const doc of ['user-data', 'vendor-data'] as const) f.fetch(N0, doc)
    f.fetch(N0, 'group', { group: 'green' })
    expect(f.stateOf(N0)).toBe('configured')
    f.fetch(N0, 'meta-data', { status: 503 })
    expect(f.stateOf(N0)).toBe('failing')
    f.fetch(N0, 'meta-data')
    expect(f.stateOf(N0)).toBe('configured')
  })

  it('configured → phoned-home on a successful /phone-home from the node', () => {
    const f = fleet()
    f.bootFully(N1)
    f.clock.advance(5_000)
    f.fetch(N1, 'phone-home')
    expect(f.recorder.node(N1)).toMatchObject({ state: 'phoned-home', phonedHomeAt: new Date(START + 5_000).toISOString() })
    // A failed phone-home is a failure like any other; another address phoning home changes nothing.
    f.fetch(N2, 'phone-home', { client: '10.9.9.9' })
    expect(f.stateOf(N2)).toBe('idle')
  })

  it('booting → stuck at stuck_after without a configured boot, not a millisecond before', () => {
    const f = fleet()
    f.fetch(N0, 'meta-data')
    f.fetch(N0, 'user-data')
    f.clock.advance(STUCK - 1)
    expect(f.stateOf(N0)).toBe('booting')
    f.clock.advance(1)
    expect(f.recorder.node(N0)).toMatchObject({ state: 'stuck', stateSince: new Date(START + STUCK).toISOString(), missing: ['vendor-data', 'compute.yaml', 'green.yaml'] })
    expect(f.recorder.summary().summary.stuck).toBe(1)
  })

  it('stuck → configured when the rest arrives, and stuck → failing on an error', () => {
    const f = fleet()
    f.fetch(N0, 'meta-data')
    f.fetch(N2, 'meta-data')
    f.clock.advance(STUCK + 1_000)
    expect([f.stateOf(N0), f.stateOf(N2)]).toEqual(['stuck', 'stuck'])
    f.bootFully(N0)
    expect(f.stateOf(N0)).toBe('configured')
    f.fetch(N2, 'vendor-data', { status: 500 })
    expect(f.stateOf(N2)).toBe('failing')
    // Failing again ok: back to stuck (still not configured, long after the boot began).
    f.fetch(N2, 'vendor-data')
    expect(f.stateOf(N2)).toBe('stuck')
  })

  it('a boot that finished is not stuck later, and a node that only failed is never stuck', () => {
    const f = fleet()
    f.bootFully(N0)
    f.fetch(N1, 'meta-data', { status: 500 })
    f.clock.advance(10 * STUCK)
    expect([f.stateOf(N0), f.stateOf(N1)]).toEqual(['configured', 'failing'])
  })
})

describe('boot record: the quiet-period rule and reboots (BOOT)', () => {
  it('meta-data within the quiet period belongs to the same boot (cloud-init asks twice per boot)', () => {
    const f = fleet()
    f.bootFully(N0)
    f.clock.advance(QUIET - 1)
    f.fetch(N0, 'meta-data')
    expect(f.recorder.node(N0)).toMatchObject({ state: 'configured', bootStartedAt: new Date(START).toISOString() })
  })

  it('meta-data after the quiet period starts a new boot: documents cleared, configured → booting', () => {
    const f = fleet()
    f.bootFully(N0)
    f.clock.advance(QUIET)
    f.fetch(N0, 'meta-data')
    const n0 = f.recorder.node(N0)
    expect(n0).toMatchObject({ state: 'booting', bootStartedAt: new Date(START + QUIET).toISOString(), stateSince: new Date(START + QUIET).toISOString() })
    expect(n0?.documents.map((d) => d.document)).toEqual(['meta-data'])
    f.bootFully(N0)
    expect(f.stateOf(N0)).toBe('configured')
  })

  it('network-config also starts a new boot after the quiet period; other documents never do', () => {
    const f = fleet()
    f.bootFully(N0)
    f.clock.advance(QUIET * 2)
    f.fetch(N0, 'vendor-data')
    f.fetch(N0, 'user-data')
    expect(f.recorder.node(N0)).toMatchObject({ state: 'configured', bootStartedAt: new Date(START).toISOString() })
    f.clock.advance(QUIET)
    f.fetch(N0, 'network-config')
    expect(f.recorder.node(N0)).toMatchObject({ state: 'booting', bootStartedAt: new Date(START + 3 * QUIET).toISOString() })
  })

  it('a reboot after phoning home: phoned-home → booting, and the old phone-home no longer counts', () => {
    const f = fleet()
    f.bootFully(N1)
    f.fetch(N1, 'phone-home')
    f.clock.advance(QUIET + 1)
    f.fetch(N1, 'meta-data')
    expect(f.recorder.node(N1)).toMatchObject({ state: 'booting' })
    expect(f.recorder.node(N1)?.phonedHomeAt).toBeUndefined()
    f.bootFully(N1)
    expect(f.stateOf(N1)).toBe('configured')
  })

  it('a node that keeps failing has no quiet period, so its retries stay in one boot', () => {
    const f = fleet()
    for (let i = 0; i < 20; i++) {
      f.fetch(N0, 'meta-data', { status: 503 })
      f.clock.advance(QUIET / 2)
    }
    expect(f.recorder.node(N0)).toMatchObject({ state: 'failing', bootStartedAt: new Date(START).toISOString() })
  })

  it('a stuck boot followed by a reboot starts over as booting, and is stuck again only after a full stuck_after', () => {
    const f = fleet()
    f.fetch(N0, 'meta-data')
    f.clock.advance(STUCK)
    expect(f.stateOf(N0)).toBe('stuck')
    f.fetch(N0, 'meta-data')
    expect(f.stateOf(N0)).toBe('booting')
    f.clock.advance(STUCK - 1)
    expect(f.stateOf(N0)).toBe('booting')
    f.clock.advance(1)
    expect(f.stateOf(N0)).toBe('stuck')
  })
})

describe('boot record: counts per state and per group (BOOT)', () => {
  it('keeps the summary and each group in step with every transition', () => {
    const f = fleet()
    f.bootFully(N0)
    f.fetch(N1, 'meta-data')
    f.fetch(N2, 'meta-data', { status: 500 })
    const { summary, groups } = f.recorder.summary()
    expect(summary).toMatchObject({ nodes: 3, configured: 1, booting: 1, failing: 1, idle: 0 })
    expect(groups.compute).toMatchObject({ nodes: 2, configured: 1, booting: 1 })
    expect(groups.green).toMatchObject({ nodes: 1, configured: 1 })
    expect(groups.storage).toMatchObject({ nodes: 1, failing: 1 })
    // A stored Group without members is known (and empty).
    expect(groups.empty).toEqual({ nodes: 0, idle: 0, booting: 0, configured: 0, 'phoned-home': 0, stuck: 0, failing: 0 })
    f.clock.advance(STUCK)
    expect(f.recorder.summary().groups.compute).toMatchObject({ configured: 1, stuck: 1, booting: 0 })
  })
})
