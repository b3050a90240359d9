import { Router } from '@koa/router'
import { KIND_LIST, type AnyResource, type ResourceService, type WriteOptions } from '@metadata-service/core'
import type { AdminAuthorizer } from '../admin-access.js'
import { resourceGuard } from '../middleware/resource-guard.js'
import { patchFormat } from '../_internal/media-type.js'
import { readJsonBody } from '../_internal/read-body.js'
import { sendJson } from '../_internal/respond.js'
import type { AppContext, AppState } from '../_internal/state.js'

/** Options of {@link resourceRoutes}. */
export interface ResourceRouteOptions {
  /** SEC-5 body cap in bytes. */
  readonly bodyLimitBytes: number
  /** SEC-6 hook; absent: every request is allowed. */
  readonly authorize?: AdminAuthorizer
}

/**
 * The resource API (SPEC §4) for the four collections of `KIND_LIST`, each also answering with a trailing `/`:
 * list, create, get, replace, patch, delete, and the status sub-resource. Bodies are JSON within the cap; the
 * service validates them and throws the exact RES-8 errors.
 */
export function resourceRoutes(resources: ResourceService, options: ResourceRouteOptions): Router<AppState> {
  const router = new Router<AppState>({ sensitive: true })
  const body = (ctx: AppContext, requireJsonType: boolean) =>
    readJsonBody(ctx, { limitBytes: options.bodyLimitBytes, requireJsonType })

  for (const { kind, collection } of KIND_LIST) {
    const list = `/${collection}`
    const item = `${list}/:uid`
    const read = resourceGuard(kind, false, options.authorize)
    const write = resourceGuard(kind, true, options.authorize)

    router.get(list, read, async (ctx: AppContext) => {
      const name = nameFilter(ctx)
      sendJson(ctx, 200, await resources.list(kind, name === undefined ? {} : { name }))
    })
    router.post(list, write, async (ctx: AppContext) => {
      sendResource(ctx, 201, await resources.create(kind, await body(ctx, true)))
    })
    router.get(item, read, async (ctx: AppContext) => {
      sendResource(ctx, 200, await resources.get(kind, uidOf(ctx)))
    })
    router.put(item, write, async (ctx: AppContext) => {
      sendResource(ctx, 200, await resources.replace(kind, uidOf(ctx), await body(ctx, true), writeOptions(ctx)))
    })
    router.patch(item, write, async (ctx: AppContext) => {
      const format = patchFormat(ctx.get('Content-Type'))
      sendResource(ctx, 200, await resources.patch(kind, uidOf(ctx), await body(ctx, false), format, writeOptions(ctx)))
    })
    router.delete(item, write, async (ctx: AppContext) => {
      const deleted = await resources.delete(kind, uidOf(ctx), writeOptions(ctx))
      sendJson(ctx, 200, { message: `${kind} deleted successfully`, uid: deleted.metadata.uid })
    })
    router.put(`${item}/status`, write, async (ctx: AppContext) => {
      sendResource(ctx, 200, await resources.replaceStatus(kind, uidOf(ctx), await body(ctx, true), writeOptions(ctx)))
    })
    router.patch(`${item}/status`, write, async (ctx: AppContext) => {
      sendResource(ctx, 200, await resources.patchStatus(kind, uidOf(ctx), await body(ctx, false), writeOptions(ctx)))
    })
  }
  return router
}

// --- internal ---

/** RES-1: the exact `?name=` filter (the first one when repeated); empty or absent filters nothing. */
function nameFilter(ctx: AppContext): string | undefined {
  const raw = ctx.query.name
  const name = Array.isArray(raw) ? raw[0] : raw
  return name === '' ? undefined : name
}

function uidOf(ctx: AppContext): string {
  return ctx.params.uid ?? ''
}

/** RES-5: `If-Match` goes to the service as received (quoted, bare or `*`). */
function writeOptions(ctx: AppContext): WriteOptions {
  const ifMatch = ctx.get('If-Match')
  return ifMatch === '' ? {} : { ifMatch }
}

/** A resource envelope with `ETag: "<resourceVersion>"` (RES-5). */
function sendResource(ctx: AppContext, status: number, resource: AnyResource): void {
  sendJson(ctx, status, resource, { ETag: `"${resource.metadata.resourceVersion}"` })
}
