import { MetadataError } from '@metadata-service/core'
import type { AppMiddleware } from '../_internal/state.js'

/** The answer to a path that does not percent-decode (issue 16). */
export const BAD_PATH_MESSAGE = 'invalid path: bad percent-encoding'

/**
 * Refuses a request whose path does not percent-decode (`%ZZ`, a lone `%`, `%FF` that is no UTF-8) with `400`
 * `invalid path: bad percent-encoding`, in the path's error style (plain on NoCloud routes, JSON on the resource
 * API). The router would otherwise hand such a segment over undecoded, so `/%ZZ.yaml` answered 404 for a group
 * named `%ZZ` (issue 16). Runs before routing, so no route ever sees an undecodable path.
 */
export function pathEncoding(): AppMiddleware {
  return async (ctx, next) => {
    if (ctx.path.includes('%') && !decodes(ctx.path)) throw new MetadataError('INVALID_PATH', BAD_PATH_MESSAGE)
    await next()
  }
}

function decodes(path: string): boolean {
  try {
    decodeURIComponent(path)
    return true
  } catch {
    return false
  }
}
