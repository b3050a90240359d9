import { MetadataError } from '@metadata-service/core'

/**
 * OPS-3: the count of unanswered requests, shared by the Koa overload guard and the NoCloud handler so both
 * count against one bound.
 */
export interface InflightLimit {
  /** Counts a request in; throws `OVERLOADED` (`503 service overloaded`, random `Retry-After` 1–5 s) when full. */
  enter(): void
  /** Counts a request entered with {@link enter} out. */
  leave(): void
}

/**
 * A limit of `maxInflight` unanswered requests; 0 disables it (enter never throws). `random` returns a number in
 * [0, 1) (default `Math.random`) and spreads the retries of a boot storm.
 */
export function createInflightLimit(maxInflight: number, random: () => number = Math.random): InflightLimit {
  let inflight = 0
  return {
    enter() {
      if (maxInflight <= 0) return
      if (inflight >= maxInflight) {
        const retryAfterSeconds = 1 + Math.min(4, Math.floor(random() * 5))
        throw new MetadataError('OVERLOADED', 'service overloaded', { details: { retryAfterSeconds } })
      }
      inflight += 1
    },
    leave() {
      if (maxInflight > 0) inflight -= 1
    },
  }
}
