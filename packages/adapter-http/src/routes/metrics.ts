import { Router } from '@koa/router'
import type { ServiceMetrics } from '../metrics/service-metrics.js'
import { send } from '../_internal/respond.js'
import type { AppContext, AppState } from '../_internal/state.js'

/** SVC-4 `GET/HEAD /metrics`: the Prometheus text format on the main port (exempt from OPS-3 and WG-12, SPEC §8). */
export function metricsRoutes(metrics: ServiceMetrics): Router<AppState> {
  const router = new Router<AppState>({ sensitive: true })
  router.get('/metrics', async (ctx: AppContext) => {
    send(ctx, 200, metrics.contentType, await metrics.scrape())
  })
  return router
}
