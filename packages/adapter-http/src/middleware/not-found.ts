import { MetadataError } from '@metadata-service/core'
import { MethodNotAllowedError } from '../_internal/method-not-allowed.js'
import type { AppMiddleware } from '../_internal/state.js'

/**
 * The last middleware, reached only when no route answered (OPS-6): a known path with another method gets
 * `405` with `Allow` (the methods of every route on that path); anything else is `404` plain `not found`.
 */
export function notFound(): AppMiddleware {
  return async (ctx) => {
    const allow = new Set<string>()
    for (const layer of ctx.matched ?? []) for (const method of layer.methods) allow.add(method)
    if (allow.size > 0) throw new MethodNotAllowedError([...allow])
    ctx.state.errorStyle = 'plain'
    throw new MetadataError('NOT_FOUND', 'not found')
  }
}
