import { Router } from '@koa/router'
import type { NoCloudService } from '@metadata-service/core'
import { FIXED_NOCLOUD_ROUTES, GROUP_ROUTE, renderNoCloudDocument, type NoCloudDocument } from '../_internal/nocloud-documents.js'
import { send } from '../_internal/respond.js'
import type { AppContext, AppMiddleware, AppState } from '../_internal/state.js'

/**
 * The NoCloud datasource (SPEC §2), GET and HEAD, answering plain-text errors. The four fixed documents also
 * answer with a trailing `/` (NC-4b: the router treats a trailing slash as optional). `/{group}.yaml` is registered
 * last so the exact routes win (NC-4c); its group is the last segment, percent-decoded by the router, minus the
 * final `.yaml` (`/rack.1.yaml` is `rack.1`). `guard` (the WG-12 gate) runs before each of them, and only when one
 * of them matched, so other paths keep their 404/405. The NoCloud fast path answers the common cases of these
 * routes before Koa with the same {@link renderNoCloudDocument}.
 */
export function nocloudRoutes(nocloud: NoCloudService, guard?: AppMiddleware): Router<AppState> {
  const router = new Router<AppState>({ sensitive: true })
  if (guard !== undefined) router.use(guard)
  const route = (document: NoCloudDocument) => async (ctx: AppContext) => {
    const rendered = await renderNoCloudDocument(nocloud, document, ctx.params.group ?? '', ctx.state, ctx.req.headers)
    send(ctx, 200, rendered.contentType, rendered.body)
  }
  for (const [path, document] of FIXED_NOCLOUD_ROUTES) router.get(path, route(document))
  router.get(GROUP_ROUTE, route('group'))
  return router
}
