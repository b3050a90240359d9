import type { RequestListener } from 'node:http'
import Koa from 'koa'
import type { Router } from '@koa/router'
import type { BootStatus, Cidr, HealthReport, Logger, NoCloudPreview, NoCloudService, ResourceService, SeedTokenAdmin, SeedTokenGate } from '@metadata-service/core'
import type { AdminAuthorizer } from './admin-access.js'
import { deadline } from './middleware/deadline.js'
import { errorHandler } from './middleware/error-handler.js'
import { notFound } from './middleware/not-found.js'
import { overloadGuard } from './middleware/overload.js'
import { pathEncoding } from './middleware/path-encoding.js'
import { bootObserver } from './_internal/boot-observer.js'
import { createInflightLimit } from './_internal/inflight-limit.js'
import { nocloudListener, type NoCloudHandlerOptions } from './_internal/nocloud-handler.js'
import { untrustedForwarderWarning } from './_internal/untrusted-forwarder.js'
import { requestContext, type RequestRecord } from './middleware/request-context.js'
import { bootStatusRoutes } from './routes/boot-status.js'
import { docsRoutes } from './routes/docs.js'
import { healthRoutes } from './routes/health.js'
import { metricsRoutes } from './routes/metrics.js'
import { renderRoutes } from './routes/render.js'
import { statusPageRoutes } from './routes/status-page.js'
import type { ServiceMetrics } from './metrics/service-metrics.js'
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
  /**
   * SEED: the NoCloud routes under `/n/<token>/`, answered for the token's node by the one NoCloud handler, and the
   * `seed_tokens` policy on the address-only routes; absent: `seed_tokens: off`, no seed routes.
   */
  readonly seeds?: SeedTokenGate
  /**
   * BOOT: the boot record, fed with every finished NoCloud and `/phone-home` request (both request paths) and read by
   * `/boot-status`, its events and the `/status` page (SEC-6 guarded like a resource read); absent: none of those
   * routes (`boot_status: false`).
   */
  readonly bootStatus?: BootStatus
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
  /** BOOT: `/boot-status/events` sends at most one event per this many milliseconds. Default 1000. */
  readonly bootEventsIntervalMs?: number
}

/** An app whose server must stop something before it can close (`listen()` calls `closing()` first, OPS-4). */
export interface ClosableApp {
  /** Ends what would hold the server open for the whole drain time (BOOT event streams). Idempotent. */
  closing(): void
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000
const DEFAULT_MAX_INFLIGHT = 1024
const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024
const DEFAULT_BOOT_EVENTS_INTERVAL_MS = 1000

/**
 * Builds the app. Its `callback()`, the request listener of every entry point (`listen()`, Koa's own `listen`, or
 * an in-process request), answers NoCloud requests with the one NoCloud handler (SPEC §2, `_internal/
 * nocloud-handler.ts`) and hands every other request to the Koa stack: request context and logging (OPS-5), the one
 * error handler, the path check (400 for bad percent-encoding), the overload guard (OPS-3) and deadline (OPS-2), the
 * routes, and the 404/405 fallback (OPS-6). Both share the OPS-3 limit, the error table, the untrusted-forwarder
 * warning and the finished-request record. It does not listen: see `listen()`.
 */
export function createApp(deps: AppDeps, options: AppOptions): Koa<AppState, AppContext> {
  // Route modules in match order. Their paths count as plain-text (and SVC paths as OPS-3-exempt) in _internal/paths.
  // None may take a NoCloud path (a fixed one or a single-segment `*.yaml`): the NoCloud handler answers those first.
  const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES
  const wireguard = deps.wireguard ?? WIREGUARD_DISABLED
  const guard = options.wireguardOnly === true ? wireGuardOnly(wireguard) : undefined
  // OPS-4: what must end before the server can close (BOOT event streams never end on their own).
  const closeHooks = new Set<() => void>()
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
    ...(deps.bootStatus === undefined
      ? []
      : [
          bootStatusRoutes(deps.bootStatus, {
            eventsIntervalMs: options.bootEventsIntervalMs ?? DEFAULT_BOOT_EVENTS_INTERVAL_MS,
            onShutdown: (end) => {
              closeHooks.add(end)
              return () => void closeHooks.delete(end)
            },
            ...(deps.authorize === undefined ? {} : { authorize: deps.authorize }),
          }),
          statusPageRoutes(),
        ]),
    resourceRoutes(deps.resources, {
      bodyLimitBytes,
      ...(deps.authorize === undefined ? {} : { authorize: deps.authorize }),
    }),
    wireGuardRoutes(wireguard, { bodyLimitBytes, ...(guard === undefined ? {} : { guard }) }),
  ]

  const requests = deps.metrics?.requests
  // Everything fed by the one record of each finished request (OPS-5), from the Koa path and the fast path alike.
  const observers = [requests?.finished, deps.observe, deps.bootStatus && bootObserver(deps.bootStatus)].filter((o) => o !== undefined)
  const observe =
    observers.length <= 1
      ? observers[0]
      : (record: RequestRecord) => {
          for (const observer of observers) observer(record)
        }
  // §16: forwarding headers from a peer outside trusted_proxies are ignored, and that is said once per peer.
  const onUntrusted = untrustedForwarderWarning(deps.logger)
  // OPS-3: one limit for the NoCloud handler and the Koa stack.
  const limit = createInflightLimit(options.maxInflight ?? DEFAULT_MAX_INFLIGHT)
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
  const app = new NoCloudFirstApp({
    nocloud: deps.nocloud,
    logger: deps.logger,
    trustedProxies: options.trustedProxies,
    limit,
    timeoutMs,
    onUntrusted,
    ...(deps.seeds === undefined ? {} : { seeds: deps.seeds }),
    ...(options.wireguardOnly === true ? { wireguardOnly: wireguard } : {}),
    ...(observe === undefined ? {} : { observe }),
    ...(requests === undefined ? {} : { onStart: requests.started }),
  }, closeHooks)
  // Errors are answered by errorHandler; only failures outside the middleware chain (socket errors while writing)
  // reach Koa's 'error' event. A listener replaces Koa's default, which would print to stderr.
  app.on('error', (err: unknown) => deps.logger.error('http error', { error: String(err) }))
  app.use(requestContext(deps.logger, options.trustedProxies, observe, requests?.started, onUntrusted))
  app.use(errorHandler(deps.logger))
  app.use(pathEncoding())
  app.use(overloadGuard(limit))
  app.use(deadline(timeoutMs, deps.logger))
  for (const router of routers) app.use(router.routes())
  app.use(notFound())
  return app
}

// --- internal ---

/**
 * Koa with the NoCloud handler in front: `callback()` is the one request listener of the app, so a server, a test's
 * `app.callback()` and an in-process request all run the same code (STYLE 21).
 */
class NoCloudFirstApp extends Koa<AppState, AppContext> implements ClosableApp {
  readonly #nocloud: NoCloudHandlerOptions
  readonly #closeHooks: Set<() => void>

  constructor(nocloud: NoCloudHandlerOptions, closeHooks: Set<() => void>) {
    super()
    this.#nocloud = nocloud
    this.#closeHooks = closeHooks
  }

  closing(): void {
    const hooks = [...this.#closeHooks]
    this.#closeHooks.clear()
    for (const hook of hooks) hook()
  }

  override callback(): ReturnType<Koa['callback']> {
    const listener: RequestListener = nocloudListener(super.callback(), this.#nocloud)
    // Koa's type also admits HTTP/2 compatibility requests; this app is served over `node:http` only (`listen()`).
    return listener as unknown as ReturnType<Koa['callback']>
  }
}
