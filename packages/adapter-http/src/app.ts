import Koa from 'koa'
import type { Router } from '@koa/router'
import type { Cidr, Logger, NoCloudPreview, NoCloudService, ResourceService, SeedTokenAdmin } from '@metadata-service/core'
import type { AdminAuthorizer } from './admin-access.js'
import { deadline } from './middleware/deadline.js'
import { errorHandler } from './middleware/error-handler.js'
import { notFound } from './middleware/not-found.js'
import { overloadGuard } from './middleware/overload.js'
import { createInflightLimit } from './_internal/inflight-limit.js'
import { nocloudFastPath } from './_internal/nocloud-fast-path.js'
import { setRequestListener } from './_internal/request-listener.js'
import { requestContext, type RequestRecord } from './middleware/request-context.js'
import { docsRoutes } from './routes/docs.js'
import { healthRoutes, type HealthReport } from './routes/health.js'
import { metricsRoutes } from './routes/metrics.js'
import { renderRoutes } from './routes/render.js'
import type { ServiceMetrics } from './metrics/service-metrics.js'
import { nocloudRoutes } from './routes/nocloud.js'
import { WIREGUARD_DISABLED, wireGuardRoutes } from './routes/wireguard.js'
import { wireGuardOnly } from './middleware/wireguard-only.js'
import type { WireGuardEndpoints } from './wireguard-endpoints.js'
import { openApiRoutes } from './routes/openapi.js'
import { resourceRoutes } from './routes/resources.js'
import { seedTokenRoutes } from './routes/seed-tokens.js'
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
  /** SVC-4: serves `/metrics` and is fed every request; absent: no `/metrics` route (`--metrics=false`). */
  readonly metrics?: ServiceMetrics
  /** Admin `POST /render` (SEC-6 guarded by `authorize`); absent: no such route. */
  readonly preview?: NoCloudPreview
  /** `/wg-init` and `/phone-home/{id}` (SPEC §7); absent: WireGuard is off and both answer 503 (WG-1). */
  readonly wireguard?: WireGuardEndpoints
  /** SEED admin `/seed-tokens` (SEC-6 guarded by `authorize`); absent: `seed_tokens: off`, the routes answer 404. */
  readonly seedTokens?: SeedTokenAdmin
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
  /** WG-12 `--wireguard-only`: NoCloud routes and `/phone-home` ask `deps.wireguard` about the socket peer. Default false. */
  readonly wireguardOnly?: boolean
  /**
   * OPS-7: answer the NoCloud GET/HEAD routes with the plain `node:http` fast path in front of Koa (same behaviour,
   * less work per request). Default true; off with `--wireguard-only` (WG-12 stays in Koa). False serves all of it
   * through Koa (the tests compare both).
   */
  readonly fastPath?: boolean
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
  // `/openapi.json` and `/docs` (SVC-2, SVC-3),
  // `/metrics` (SVC-4). Their paths already count as plain-text (and SVC paths as OPS-3-exempt) in _internal/paths.
  const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES
  const wireguard = deps.wireguard ?? WIREGUARD_DISABLED
  const guard = options.wireguardOnly === true ? wireGuardOnly(wireguard) : undefined
  const routers: Router<AppState>[] = [
    healthRoutes(deps.health),
    ...(deps.metrics === undefined ? [] : [metricsRoutes(deps.metrics)]),
    ...(deps.preview === undefined
      ? []
      : [
          renderRoutes(deps.preview, {
            bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
            ...(deps.authorize === undefined ? {} : { authorize: deps.authorize }),
            ...(deps.seedTokens === undefined ? {} : { seeds: deps.seedTokens }),
          }),
        ]),
    seedTokenRoutes(deps.seedTokens, { bodyLimitBytes, ...(deps.authorize === undefined ? {} : { authorize: deps.authorize }) }),
    openApiRoutes(),
    docsRoutes(),
    resourceRoutes(deps.resources, {
      bodyLimitBytes,
      ...(deps.authorize === undefined ? {} : { authorize: deps.authorize }),
    }),
    wireGuardRoutes(wireguard, { bodyLimitBytes, ...(guard === undefined ? {} : { guard }) }),
    nocloudRoutes(deps.nocloud, guard),
  ]

  const requests = deps.metrics?.requests
  const observe =
    requests === undefined || deps.observe === undefined
      ? (requests?.finished ?? deps.observe)
      : (record: RequestRecord) => {
          requests.finished(record)
          deps.observe?.(record)
        }
  app.use(requestContext(deps.logger, options.trustedProxies, observe, requests?.started))
  app.use(errorHandler(deps.logger))
  // OPS-3: one limit for the Koa path and the fast path.
  const limit = createInflightLimit(options.maxInflight ?? DEFAULT_MAX_INFLIGHT)
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
  app.use(overloadGuard(limit))
  app.use(deadline(timeoutMs, deps.logger))
  for (const router of routers) app.use(router.routes())
  app.use(notFound())
  if (options.fastPath !== false && guard === undefined) {
    setRequestListener(app, () =>
      nocloudFastPath(app.callback(), {
        nocloud: deps.nocloud,
        logger: deps.logger,
        trustedProxies: options.trustedProxies,
        limit,
        timeoutMs,
        ...(observe === undefined ? {} : { observe }),
        ...(requests === undefined ? {} : { onStart: requests.started }),
      }),
    )
  }
  return app
}
