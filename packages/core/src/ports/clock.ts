/** Time, injected so tests control it. Core never reads `Date.now()` directly. */
export interface Clock {
  /** Unix time in milliseconds. */
  now(): number
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() }
