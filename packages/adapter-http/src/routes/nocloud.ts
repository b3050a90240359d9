import { Router } from '@koa/router'
import { requestBase, type InventoryNode, type NoCloudService, type RenderedDocument, type RequestContext } from '@metadata-service/core'
import { send } from '../_internal/respond.js'
import type { AppContext, AppMiddleware, AppState } from '../_internal/state.js'

type BuildDocument = (node: InventoryNode, request: RequestContext, ctx: AppContext) => Promise<RenderedDocument>

/**
 * The NoCloud datasource (SPEC §2), GET and HEAD, answering plain-text errors. The four fixed documents also
 * answer with a trailing `/` (NC-4b: the router treats a trailing slash as optional). `/{group}.yaml` is registered
 * last so the exact routes win (NC-4c); its group is the last segment, percent-decoded by the router, minus the
 * final `.yaml` (`/rack.1.yaml` is `rack.1`). `guard` (the WG-12 gate) runs before each of them, and only when one
 * of them matched, so other paths keep their 404/405.
 */
export function nocloudRoutes(nocloud: NoCloudService, guard?: AppMiddleware): Router<AppState> {
  const router = new Router<AppState>({ sensitive: true })
  if (guard !== undefined) router.use(guard)
  const forNode = (build: BuildDocument) => async (ctx: AppContext) => {
    // ID-4 through the client address of ID-1..ID-3; the node then goes in the request log line (OPS-5).
    const node = await nocloud.resolveNode(ctx.state.client)
    ctx.state.node = node.xname
    // NC-14 step 4: X-Forwarded-Host/Proto count only from a trusted peer. The request id names the request in
    // the lines core logs while answering it (OPS-5).
    const request: RequestContext = { ...requestBase(ctx.state.peerTrusted, ctx.req.headers), reqId: ctx.state.reqId }
    writeDocument(ctx, await build(node, request, ctx))
  }

  router.get('/meta-data', forNode((node, request) => nocloud.metaData(node, request)))
  // AT-6: user-data needs no node, so unknown clients get it too.
  router.get('/user-data', (ctx: AppContext) => writeDocument(ctx, nocloud.userData()))
  router.get('/vendor-data', forNode((node, request) => nocloud.vendorData(node, request)))
  router.get('/network-config', forNode((node, request) => nocloud.networkConfig(node, request)))
  router.get(
    '/:group.yaml',
    forNode((node, request, ctx) => nocloud.groupDocument(node, ctx.params.group ?? '', request)),
  )
  return router
}

function writeDocument(ctx: AppContext, document: RenderedDocument): void {
  send(ctx, 200, document.contentType, document.body)
}
