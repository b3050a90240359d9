import { isServicePath } from '../_internal/paths.js'
import type { InflightLimit } from '../_internal/inflight-limit.js'
import type { AppMiddleware } from '../_internal/state.js'

/**
 * OPS-3: while the limit's unanswered requests are at its bound, a new one gets an immediate `503 service
 * overloaded` with a random `Retry-After` of 1–5 s (spreading the retries of a boot storm; cloud-init 25.1+ honours
 * it). The SVC paths (`/health`, …) are never counted or refused (SPEC §8). The NoCloud handler shares `limit`.
 */
export function overloadGuard(limit: InflightLimit): AppMiddleware {
  return async (ctx, next) => {
    if (isServicePath(ctx.path)) return next()
    limit.enter()
    try {
      await next()
    } finally {
      limit.leave()
    }
  }
}
