import type { Logger } from '@metadata-service/core'
import { errorResponse } from '../_internal/error-response.js'
import { errorStyleOf } from '../_internal/paths.js'
import type { AppContext, AppMiddleware } from '../_internal/state.js'
import { PRESERVED_HEADERS } from './request-context.js'

/**
 * Catches every error of the chain and answers it as {@link errorResponse} decides (STYLE 8, 9), in the request's
 * error style (plain on NoCloud and WireGuard routes, JSON on the resource API). Headers a failed route set are
 * dropped.
 */
export function errorHandler(logger: Logger): AppMiddleware {
  return async (ctx, next) => {
    try {
      await next()
    } catch (err) {
      writeError(ctx, err, logger)
    }
  }
}

// --- internal ---

function writeError(ctx: AppContext, err: unknown, logger: Logger): void {
  for (const name of ctx.response.headers ? Object.keys(ctx.response.headers) : []) {
    if (!PRESERVED_HEADERS.has(name.toLowerCase())) ctx.remove(name)
  }
  ctx.state.settled = true
  const response = errorResponse(err, errorStyleOf(ctx), ctx.state.reqId, logger)
  if (response.rejected !== undefined) ctx.state.rejected = response.rejected
  for (const [name, value] of response.headers) ctx.set(name, value)
  ctx.status = response.status
  ctx.set('Content-Type', response.contentType)
  ctx.body = response.body
}
