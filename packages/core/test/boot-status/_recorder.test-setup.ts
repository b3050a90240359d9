import { createFixedClock, type FixedClock } from '../../src/testing/fixed-clock.js'
import type { BootDocumentKind } from '../../src/boot-status/boot-states.js'
import { createBootRecorder, type BootRecorder, type RosterNode } from '../../src/boot-status/boot-recorder.js'

// A small fleet for the boot record's tests (BOOT): n0 in compute and green (both with templates), n1 in compute,
// n2 in storage (a Group without a template, so vendor-data lists nothing for it).

export const QUIET = 60_000
export const STUCK = 300_000
export const START = Date.UTC(2026, 11, 1, 10, 0, 0)

export const ROSTER: readonly RosterNode[] = [
  { xname: 'x1000c0s0b0n0', groups: ['compute', 'green'] },
  { xname: 'x1000c0s0b0n1', groups: ['compute'] },
  { xname: 'x1000c0s1b0n0', groups: ['storage'] },
]
export const TEMPLATED: ReadonlySet<string> = new Set(['compute', 'green'])
export const STORED_GROUPS = ['compute', 'green', 'storage', 'empty']

/** The address each roster node requests from. */
export const ADDRESS: Readonly<Record<string, string>> = {
  x1000c0s0b0n0: '10.252.0.26',
  x1000c0s0b0n1: '10.252.0.27',
  x1000c0s1b0n0: '10.252.0.28',
}

export interface Fleet {
  readonly clock: FixedClock
  readonly recorder: BootRecorder
  /** One request of `xname` (resolved, as NoCloud routes do) for `document`, answered `status`, at the clock's time. */
  fetch(xname: string, document: BootDocumentKind, options?: { group?: string; status?: number; client?: string; resolved?: boolean }): void
  /** meta-data, user-data, vendor-data, network-config and each templated group document, all 200. */
  bootFully(xname: string): void
  stateOf(xname: string): string | undefined
}

/** A recorder over {@link ROSTER} with quiet period {@link QUIET}, stuck after {@link STUCK}, 3 unknown addresses. */
export function fleet(): Fleet {
  const clock = createFixedClock(START)
  const recorder = createBootRecorder({
    clock,
    settings: { quietPeriodMs: QUIET, stuckAfterMs: STUCK, maxUnknownAddresses: 3 },
    replica: { hostname: 'test-host', pid: 42 },
  })
  recorder.setRoster(ROSTER, (label) => TEMPLATED.has(label), STORED_GROUPS)
  const fetch: Fleet['fetch'] = (xname, document, options = {}) => {
    // user-data and /phone-home never resolve a node on the wire (AT-6, WG-10).
    const resolved = options.resolved ?? (document !== 'user-data' && document !== 'phone-home')
    recorder.record({
      node: resolved ? xname : undefined,
      client: options.client ?? ADDRESS[xname] ?? xname,
      document,
      group: options.group,
      status: options.status ?? 200,
      at: clock.now(),
    })
  }
  return {
    clock,
    recorder,
    fetch,
    bootFully(xname) {
      for (const doc of ['meta-data', 'network-config', 'user-data', 'vendor-data'] as const) fetch(xname, doc)
      for (const group of ROSTER.find((n) => n.xname === xname)?.groups ?? []) if (TEMPLATED.has(group)) fetch(xname, 'group', { group })
    },
    stateOf: (xname) => recorder.node(xname)?.state,
  }
}
