import type { Clock } from '../ports/clock.js'

/** A {@link Clock} that only moves when told to. */
export interface FixedClock extends Clock {
  /** Moves time forward by `ms` milliseconds (negative moves it back). */
  advance(ms: number): void
  /** Sets the time to `ms` (Unix milliseconds). */
  set(ms: number): void
}

/**
 * A clock frozen at `startMs` (Unix milliseconds; default 2025-01-01T00:00:00.000Z) until `advance` or `set`.
 */
export function createFixedClock(startMs: number = Date.UTC(2025, 0, 1)): FixedClock {
  let now = startMs
  return {
    now: () => now,
    advance(ms) {
      now += ms
    },
    set(ms) {
      now = ms
    },
  }
}
