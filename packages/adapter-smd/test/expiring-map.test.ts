import { describe, expect, it } from 'vitest'
import { createFixedClock } from '@metadata-service/core/testing'
import { ExpiringMap } from '../src/_expiring-map.js'

// The properties that keep ExpiringMap hand-written rather than on lru-cache (its header comment, issue 17).

describe('ExpiringMap', () => {
  it('holds an entry until just before its TTL and drops it at exactly the TTL (SMD-12: 4,999 ms yes, 5,000 no)', () => {
    const clock = createFixedClock()
    const map = new ExpiringMap<string>(clock)
    map.set('k', 'v', 5_000)
    clock.advance(4_999)
    expect(map.get('k')).toBe('v')
    clock.advance(1)
    expect(map.get('k')).toBeUndefined()
  })

  it('counts time from a clock reading of 0 like any other', () => {
    const clock = createFixedClock(0)
    const map = new ExpiringMap<string>(clock)
    map.set('k', 'v', 5)
    clock.advance(5)
    expect(map.get('k')).toBeUndefined()
  })

  it('keeps an entry with an Infinity TTL until cleared', () => {
    const clock = createFixedClock()
    const map = new ExpiringMap<string>(clock)
    map.set('k', 'v', Infinity)
    clock.advance(10 * 365 * 86_400_000)
    expect(map.get('k')).toBe('v')
    map.clear()
    expect(map.get('k')).toBeUndefined()
    expect(map.size).toBe(0)
  })

  it('sweeps expired entries as it grows, so a spray of new keys holds about the live ones, not all ever seen', () => {
    const clock = createFixedClock()
    const map = new ExpiringMap<number>(clock)
    for (let i = 0; i < 100_000; i++) {
      map.set(`10.0.${i >> 8}.${i & 255}`, i, 1_000) // a new address every millisecond, remembered for 1 s
      clock.advance(1)
    }
    expect(map.size).toBeLessThanOrEqual(2 * 1_000 + 1_024)
    expect(map.get('10.0.0.0')).toBeUndefined()
    expect(map.get(`10.0.${99_999 >> 8}.${99_999 & 255}`)).toBe(99_999)
  })
})
