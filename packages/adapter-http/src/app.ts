import Koa from 'koa'
import type { Router } from '@koa/router'
import type { Cidr, Logger, NoCloudService, ResourceService } from '@metadata-service/core'
import type { AdminAuthorizer } from './admin-access.js'
import { deadline } from './middleware/deadline.js'
import { errorHandler } from './middleware/error-handler.js'
import { notFound } from './middleware/not-found.js'
import { overloadGuard } from './middleware/overload.js'
import { requestContext, type RequestRecord } from './middleware/request-context.js'
import { docsRoutes } from './routes/docs.js'
import { healthRoutes, type HealthReport } from './routes/health.js'
import { nocloudRoutes } from './routes/nocloud.js'
import { openApiRoutes } from './routes/openapi.js'
import { resourceRoutes } from './routes/resources.js'
import type { AppContext, AppState } from './_internal/state.js'

/** The use cases and ports the app serves. */
export interface AppDeps {
  readonly resources: ResourceService
  readonly nocloud: NoCloudService
  /** SVC-1; called on every `/health` request, so it must be cheap. */
  readonly health: () => HealthReport
  /** Receives one `request` line per request (OPS-5) and every 5xx cause. */
  readonly logger: Logger
  /** SEC-6 admin access for the resource API; absent: allow all (the CLI wires the real rule). */
  readonly authorize?: AdminAuthorizer
  /** Called with each finished request's record, after it is logged (for the SVC-4 metrics). */
  readonly observe?: (record: RequestRecord) => void
}

/** HTTP behaviour of the app. */
export interface AppOptions {
  /** ID-2: peers whose forwarding headers count. `[]` trusts nobody. */
  readonly trustedProxies: readonly Cidr[]
  /** OPS-2 deadline in milliseconds; default 10000; 0 disables it. */
  readonly requestTimeoutMs?: number
  /** OPS-3 limit of unanswered requests; default 1024; 0 disables it. */
  readonly maxInflight?: number
  /** SEC-5 request body cap in bytes; default 1 MiB. */
  readonly bodyLimitBytes?: number
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000
const DEFAULT_MAX_INFLIGHT = 1024
const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024

/**
 * Builds the Koa app: request context and logging (OPS-5), the one error handler, the overload guard (OPS-3) and
 * deadline (OPS-2), then the routes and the 404/405 fallback (OPS-6). It does not listen: see `listen()`.
 */
export function createApp(deps: AppDeps, options: AppOptions): Koa<AppState, AppContext> {
  const app = new Koa<AppState, AppContext>()
  // Errors are answered by errorHandler; only failures outside the middleware chain (socket errors while writing)
  // reach Koa's 'error' event. A listener replaces Koa's default, which would print to stderr.
  app.on('error', (err: unknown) => deps.logger.error('http error', { error: String(err) }))

  // Route modules in match order. Later issues add theirs here, before nocloud's catch-all `/{group}.yaml`:
  // WireGuard (`POST /wg-init`, `POST /phone-home/:id`; WG-4, WG-10), `/openapi.json` and `/docs` (SVC-2, SVC-3),
  // `/metrics` (SVC-4). Their paths already count as plain-text (and SVC paths as OPS-3-exempt) in _internal/paths.
  const routers: Router<AppState>[] = [
    healthRoutes(deps.health),
    openApiRoutes(),
    docsRoutes(),
    resourceRoutes(deps.resources, {
      bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
      ...(deps.authorize === undefined ? {} : { authorize: deps.authorize }),
    }),
    nocloudRoutes(deps.nocloud),
  ]

  app.use(requestContext(deps.logger, options.trustedProxies, deps.observe))
  app.use(errorHandler(deps.logger))
  app.use(overloadGuard(options.maxInflight ?? DEFAULT_MAX_INFLIGHT))
  app.use(deadline(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, deps.logger))
  for (const router of routers) app.use(router.routes())
  app.use(notFound())
  return app
}
