import {
  createApp,
  createServiceMetrics,
  listen,
  type AdminAuthorizer,
  type HealthReport,
  type HttpServerHandle,
  type MetricsSnapshot,
  type ServiceMetrics,
} from '@metadata-service/adapter-http'
import {
  checkWireGuardPeer,
  createNoCloudService,
  createResourceService,
  parseCidr,
  type Clock,
  type InstrumentedNoCloudService,
  type Inventory,
  type Logger,
  type ResourceStore,
  type SeedTokenStore,
  type TokenSource,
  type WireGuardService,
} from '@metadata-service/core'
import type { Config } from './config/schema.js'
import { metricsSources } from './metrics-sources.js'
import { seedTokensFor } from './seed-tokens.js'
import { wireGuardEndpoints } from './wireguard.js'

/** What the HTTP side of one serving process is built on: the single server, or each worker of `--workers`. */
export interface ServedParts {
  readonly store: ResourceStore
  readonly inventory: Inventory
  /** Absent with `--mock-smd`. */
  readonly tokenSource: TokenSource | undefined
  readonly nocloud: InstrumentedNoCloudService
  /** Absent in worker processes (WireGuard runs in a single process only). */
  readonly wireguard?: WireGuardService
  /** SEED: the seed token store (a worker's copy of its primary's); absent with `seed_tokens: off`. */
  readonly seedStore?: SeedTokenStore
  /** With `--workers`: every worker's metrics, so any worker's `/metrics` shows the whole service (SVC-4). */
  readonly gatherMetrics?: () => Promise<readonly MetricsSnapshot[]>
}

/** What {@link serveHttp} needs besides the configuration and the parts. */
export interface ServeHttpDeps {
  readonly logger: Logger
  readonly clock: Clock
  readonly authorize: AdminAuthorizer
}

/** A listening HTTP side. */
export interface ServedHttp {
  readonly http: HttpServerHandle
  /** Absent with `--metrics=false`. */
  readonly metrics: ServiceMetrics | undefined
  /** OPS-4: stops the background pre-render, then drains for up to `drainMs` milliseconds. */
  close(drainMs: number): Promise<void>
}

/**
 * The NoCloud service over `inventory` and `store` (NC-1..NC-17), with the WG-9 tunnel addresses of `tunnel`
 * (read on each request, so it may be set once WireGuard has started).
 */
export function noCloudFor(
  config: Config,
  parts: { readonly inventory: Inventory; readonly store: ResourceStore; readonly logger: Logger },
  tunnel?: { service?: WireGuardService },
): InstrumentedNoCloudService {
  return createNoCloudService({
    inventory: parts.inventory,
    store: parts.store,
    publicUrl: config.public_url,
    logger: parts.logger,
    ...(tunnel === undefined ? {} : { tunnelResolver: (address: string) => tunnel.service?.resolveTunnelAddress(address) }),
  })
}

/**
 * OPS-1 "listen": the resource service, `/metrics` (unless `--metrics=false`), the app with every route, bound to
 * `host:port`, and the NoCloud pre-render started. Rejects when the port cannot be bound.
 */
export async function serveHttp(config: Config, parts: ServedParts, deps: ServeHttpDeps): Promise<ServedHttp> {
  const { store, inventory, tokenSource, nocloud, wireguard } = parts
  const served = seedTokensFor(config, { seedStore: parts.seedStore, inventory, store, nocloud, logger: deps.logger })
  // WG-11: WireGuardPeers written through the resource API get the key, CIDR and address-in-use checks.
  // Issue 14: network definitions are also checked against the addresses of the SMD snapshot at write.
  const resources = createResourceService({ store, clock: deps.clock, kindChecks: { WireGuardPeer: checkWireGuardPeer }, inventory })
  const metrics = config.metrics
    ? createServiceMetrics(
        metricsSources({
          inventory,
          tokenSource,
          store,
          nocloud,
          seeds: () => ({ mode: config.seed_tokens, ...(served === undefined ? {} : { stats: served.seeds.stats() }) }),
          ...(wireguard === undefined ? {} : { wireguard: () => ({ enabled: wireguard.enabled(), peers: wireguard.tunnelMap().size }) }),
        }),
        parts.gatherMetrics === undefined ? {} : { gather: parts.gatherMetrics },
      )
    : undefined
  const app = createApp(
    {
      resources,
      nocloud,
      health: () => health(inventory, tokenSource),
      logger: deps.logger,
      authorize: deps.authorize,
      // SVC-4 `/metrics` on the main port unless `--metrics=false`; `POST /render` is admin-guarded (SEC-6).
      ...(metrics === undefined ? {} : { metrics }),
      preview: nocloud,
      ...(wireguard === undefined ? {} : { wireguard: wireGuardEndpoints(wireguard) }),
      ...(served === undefined ? {} : { seedTokens: served.admin }),
    },
    {
      trustedProxies: config.trusted_proxies.map(parseCidr),
      requestTimeoutMs: config.request_timeout * 1000,
      maxInflight: config.max_inflight,
      wireguardOnly: config.wireguard_only,
    },
  )
  const http = await listen(app, { host: config.host, port: config.port })
  // OPS-7: every document of every node is rendered ahead of the storm, again after each snapshot or store change.
  const prerender = nocloud.startPrerender()
  // SEED: the token index follows the inventory and every rotation, in the background.
  const seedIndex = served?.seeds.start()
  return {
    http,
    metrics,
    close: async (drainMs) => {
      prerender.stop()
      seedIndex?.stop()
      await http.close(drainMs)
    },
  }
}

/** SVC-1: unhealthy while dynamic auth is (TOK-9), else until the first sync (SMD-14). A stale snapshot stays 200. */
function health(inventory: Inventory, tokenSource: TokenSource | undefined): HealthReport {
  const token = tokenSource?.health()
  if (token !== undefined && !token.healthy) return { healthy: false, reason: token.reason ?? 'dynamic TokenSmith auth unhealthy' }
  return inventory.health().ready ? { healthy: true } : { healthy: false, reason: 'smd initial refresh pending' }
}
