import { Router } from '@koa/router'
import { shownText, type HealthReport } from '@metadata-service/core'
import { sendJson } from '../_internal/respond.js'
import type { AppContext, AppState } from '../_internal/state.js'

const SERVICE = 'metadata-service'

/**
 * SVC-1 `GET/HEAD /health`: `200 {"service","status":"healthy"}` or `503 {"reason","service","status":"unhealthy"}`.
 * The reason quotes upstream failures (TokenSmith, SMD): it is shown without URL passwords and with control
 * characters escaped (SPEC §16 Secrets, issue 16), as anyone may read `/health`.
 */
export function healthRoutes(health: () => HealthReport): Router<AppState> {
  const router = new Router<AppState>({ sensitive: true })
  router.get('/health', (ctx: AppContext) => {
    const report = health()
    if (report.healthy) sendJson(ctx, 200, { service: SERVICE, status: 'healthy' })
    else sendJson(ctx, 503, { reason: shownText(report.reason ?? 'unhealthy'), service: SERVICE, status: 'unhealthy' })
  })
  return router
}
