import { describe, expect, it } from 'vitest'
import { isMetadataError } from '../../src/errors.js'
import { parseBootQuery } from '../../src/boot-status/boot-query.js'
import { compareXnames, xnameOrder } from '../../src/boot-status/xname-order.js'

// BOOT: `GET /boot-status` query parameters; bad input answers 400 naming the parameter.

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0)

function refusal(raw: Parameters<typeof parseBootQuery>[0]): string {
  try {
    parseBootQuery(raw, NOW)
  } catch (err) {
    if (isMetadataError(err, 'VALIDATION_FAILED')) return err.message
    throw err
  }
  throw new Error('accepted')
}

describe('parseBootQuery (BOOT)', () => {
  it('reads states (comma-separated or repeated), group, times and limit', () => {
    expect(parseBootQuery({}, NOW)).toEqual({})
    expect(
      parseBootQuery({ state: ['stuck,failing', 'booting'], group: 'compute', since: '2026-12-01T10:00:00Z', until: '15m', limit: '20' }, NOW),
    ).toEqual({ states: ['stuck', 'failing', 'booting'], group: 'compute', since: Date.UTC(2026, 11, 1, 10), until: NOW - 15 * 60_000, limit: 20 })
    expect(parseBootQuery({ since: '90s' }, NOW).since).toBe(NOW - 90_000)
    expect(parseBootQuery({ since: '2h' }, NOW).since).toBe(NOW - 7_200_000)
    expect(parseBootQuery({ since: '2026-12-01T11:00:00+01:00' }, NOW).since).toBe(Date.UTC(2026, 11, 1, 10))
    expect(parseBootQuery({ limit: '0' }, NOW).limit).toBe(0)
  })

  it('refuses unknown parameters, states, times and limits, naming the parameter', () => {
    expect(refusal({ stat: 'stuck' })).toBe('unknown query parameter "stat" (expected state, group, since, until, limit)')
    expect(refusal({ state: 'stuck,bogus' })).toBe(
      'invalid query parameter state: "bogus" (expected one of idle, booting, configured, phoned-home, stuck, failing)',
    )
    expect(refusal({ since: 'yesterday' })).toMatch(/^invalid query parameter since: "yesterday" \(expected an RFC 3339 time/)
    // A time without a zone would depend on the server's time zone.
    expect(refusal({ until: '2026-12-01T10:00:00' })).toMatch(/^invalid query parameter until:/)
    expect(refusal({ limit: '-1' })).toBe('invalid query parameter limit: "-1" (expected an integer from 0 to 100000)')
    expect(refusal({ limit: '100001' })).toMatch(/^invalid query parameter limit:/)
    expect(refusal({ group: '' })).toBe('invalid query parameter group: must not be empty')
    expect(refusal({ group: ['a', 'b'] })).toBe('invalid query parameter group: given 2 times (expected once)')
  })

  it('refuses an impossible range: since after until', () => {
    expect(refusal({ since: '5m', until: '10m' })).toBe('invalid query parameters since and until: since (5m) is after until (10m)')
    expect(refusal({ since: '2026-12-01T11:00:00Z', until: '2026-12-01T10:00:00Z' })).toMatch(/^invalid query parameters since and until/)
  })
})

describe('xname order', () => {
  it('sorts cabinet, chassis, slot, BMC and node numerically', () => {
    const names = ['x1000c0s10b0n0', 'x1000c0s2b0n1', 'x999c0s0b0n0', 'x1000c0s2b0n0', 'x1000c1s0b0n0', 'x1000c0s2b1n0']
    expect([...names].sort(compareXnames)).toEqual(['x999c0s0b0n0', 'x1000c0s2b0n0', 'x1000c0s2b0n1', 'x1000c0s2b1n0', 'x1000c0s10b0n0', 'x1000c1s0b0n0'])
    expect(xnameOrder(names, [0, 1, 2]).map((i) => names[i])).toEqual(['x999c0s0b0n0', 'x1000c0s2b0n1', 'x1000c0s10b0n0'])
  })
})

describe('parseBootQuery with narrowed parameters (the events route)', () => {
  it('accepts only the listed parameters and names the others', () => {
    expect(parseBootQuery({ group: 'compute' }, NOW, ['group'])).toEqual({ group: 'compute' })
    expect(() => parseBootQuery({ state: 'stuck' }, NOW, ['group'])).toThrow('unknown query parameter "state" (expected group)')
  })
})
