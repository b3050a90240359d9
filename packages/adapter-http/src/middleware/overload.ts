import { MetadataError } from '@metadata-service/core'
import { isServicePath } from '../_internal/paths.js'
import type { AppMiddleware } from '../_internal/state.js'

/**
 * OPS-3: while `maxInflight` requests are unanswered, a new one gets an immediate `503 service overloaded` with a
 * random `Retry-After` of 1–5 s (spreading the retries of a boot storm; cloud-init 25.1+ honours it).
 * `maxInflight` 0 disables the limit; the SVC paths (`/health`, …) are never counted or refused (SPEC §8).
 * `random` returns a number in [0, 1) (default `Math.random`).
 */
export function overloadGuard(maxInflight: number, random: () => number = Math.random): AppMiddleware {
  let inflight = 0
  return async (ctx, next) => {
    if (maxInflight <= 0 || isServicePath(ctx.path)) return next()
    if (inflight >= maxInflight) {
      const retryAfterSeconds = 1 + Math.min(4, Math.floor(random() * 5))
      throw new MetadataError('OVERLOADED', 'service overloaded', { details: { retryAfterSeconds } })
    }
    inflight += 1
    try {
      await next()
    } finally {
      inflight -= 1
    }
  }
}
