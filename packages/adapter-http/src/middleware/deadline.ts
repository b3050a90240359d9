import { MetadataError, type Logger } from '@metadata-service/core'
import type { AppMiddleware } from '../_internal/state.js'

/**
 * OPS-2: a request still unanswered after `timeoutMs` gets `503 request timed out` (with `Retry-After`, added by
 * the error handler). NoCloud clients have no timeout of their own, so a stuck lookup must not hold a booting node
 * forever. The abandoned handler keeps running but can no longer write (`state.settled`); if it fails later, that
 * is logged. `timeoutMs` 0 disables the deadline.
 */
export function deadline(timeoutMs: number, logger: Logger): AppMiddleware {
  return async (ctx, next) => {
    if (timeoutMs <= 0) return next()
    let timer: NodeJS.Timeout | undefined
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ctx.state.settled = true
        reject(deadlineError())
      }, timeoutMs)
    })
    const work = next()
    try {
      await Promise.race([work, expired])
    } catch (err) {
      if (ctx.state.settled) {
        work.catch((late: unknown) => logLateFailure(logger, ctx.state.reqId, late))
      }
      throw err
    } finally {
      clearTimeout(timer)
    }
  }
}

/** OPS-2: the error a request past its deadline is answered with (`503 request timed out`). */
export function deadlineError(): MetadataError {
  return new MetadataError('TIMEOUT', 'request timed out')
}

/** OPS-2: logs (warn) the failure of a handler whose request was already answered by the deadline. */
export function logLateFailure(logger: Logger, reqId: string, late: unknown): void {
  logger.warn('request failed after its deadline', { reqId, error: String(late) })
}
