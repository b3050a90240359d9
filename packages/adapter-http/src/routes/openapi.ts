import { Router } from '@koa/router'
import { openApiJson } from '../openapi/document.js'
import { JSON_TYPE, send } from '../_internal/respond.js'
import type { AppContext, AppState } from '../_internal/state.js'

/** SVC-2 `GET/HEAD /openapi.json`: the document, built once when the app is created. */
export function openApiRoutes(): Router<AppState> {
  const body = openApiJson()
  const router = new Router<AppState>({ sensitive: true })
  router.get('/openapi.json', (ctx: AppContext) => send(ctx, 200, JSON_TYPE, body))
  return router
}
