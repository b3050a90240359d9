import {
  createApp,
  createServiceMetrics,
  listen,
  listenMetrics,
  type AdminAuthorizer,
  type HttpServerHandle,
  type MetricsSnapshot,
  type ServiceMetrics,
} from '@metadata-service/adapter-http'
import {
  type BootStatus,
  checkWireGuardPeer,
  createNoCloudService,
  createResourceService,
  parseCidr,
  serviceHealth,
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
import { CliError } from './errors.js'
import { metricsSources } from './metrics-sources.js'
import { seedTokensFor } from './seed-tokens.js'
import { VERSION_INFO } from './version-info.js'
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
  /** BOOT: the boot record (a worker's is its primary's); absent with `boot_status: false`. */
  readonly bootStatus?: BootStatus
}

/** What {@link serveHttp} needs besides the configuration and the parts. */
export interface ServeHttpDeps {
  readonly logger: Logger
  readonly clock: Clock
  readonly authorize: AdminAuthorizer
  /** Bind the main port with SO_REUSEPORT (a `--workers` worker, see `workerBalancing`); default false. */
  readonly reusePort?: boolean
}

/** A listening HTTP side. */
export interface ServedHttp {
  readonly http: HttpServerHandle
  /** Absent with `--metrics=false` (and no `--enable-metrics`). */
  readonly metrics: ServiceMetrics | undefined
  /** The `--enable-metrics` listener on `metrics_port`; absent without it. */
  readonly metricsHttp?: HttpServerHandle
  /** OPS-4: stops the background pre-render, then drains for up to `drainMs` milliseconds. */
  close(drainMs: number): Promise<void>
}

/**
 * The NoCloud service over `inventory` and `store` (NC-1..NC-17). WG-9 tunnel addresses are bound later, once
 * WireGuard has started, with `useTunnelAddresses`.
 */
export function noCloudFor(
  config: Config,
  parts: { readonly inventory: Inventory; readonly store: ResourceStore; readonly logger: Logger },
): InstrumentedNoCloudService {
  return createNoCloudService({
    inventory: parts.inventory,
    store: parts.store,
    publicUrl: config.public_url,
    logger: parts.logger,
    maxDocumentBytes: config.max_document_bytes,
    maxCachedDocuments: config.max_cached_documents,
  })
}

/**
 * OPS-1 "listen": the resource service, `/metrics` (unless `--metrics=false`; also on `metrics_port` with
 * `--enable-metrics`, as the Go service), the app with every route, bound to `host:port` with the `read_timeout`,
 * `write_timeout` and `idle_timeout` of the configuration, and the NoCloud pre-render started. Rejects when a port
 * cannot be bound.
 */
export async function serveHttp(config: Config, parts: ServedParts, deps: ServeHttpDeps): Promise<ServedHttp> {
  const { store, inventory, tokenSource, nocloud, wireguard, bootStatus } = parts
  const served = seedTokensFor(config, { seedStore: parts.seedStore, inventory, store, nocloud, logger: deps.logger })
  // WG-11: WireGuardPeers written through the resource API get the key, CIDR and address-in-use checks; Group
  // templates are also rendered for the worst case of the inventory, within max_document_bytes (SPEC §16), and
  // network definitions are checked against the addresses of the SMD snapshot (issue 14).
  const resources = createResourceService({
    store,
    clock: deps.clock,
    kindChecks: { WireGuardPeer: checkWireGuardPeer },
    inventory,
    maxDocumentBytes: config.max_document_bytes,
  })
  const metrics = config.metrics || config.enable_metrics
    ? createServiceMetrics(
        metricsSources({
          inventory,
          tokenSource,
          store,
          nocloud,
          seeds: () => ({ mode: config.seed_tokens, ...(served === undefined ? {} : { stats: served.seeds.stats() }) }),
          ...(wireguard === undefined ? {} : { wireguard: () => ({ enabled: wireguard.enabled(), peers: wireguard.tunnelMap().size }) }),
          bootStatus,
        }),
        // process_*, nodejs_* and build_info of this process (and, with --workers, of every other through gather).
        { build: VERSION_INFO, ...(parts.gatherMetrics === undefined ? {} : { gather: parts.gatherMetrics }) },
      )
    : undefined
  const app = createApp(
    {
      resources,
      nocloud,
      health: () => serviceHealth(inventory, tokenSource),
      logger: deps.logger,
      authorize: deps.authorize,
      // SVC-4 `/metrics` on the main port unless `--metrics=false`; `POST /render` is admin-guarded (SEC-6).
      ...(metrics === undefined || !config.metrics ? {} : { metrics }),
      preview: nocloud,
      ...(wireguard === undefined ? {} : { wireguard: wireGuardEndpoints(wireguard) }),
      ...(bootStatus === undefined ? {} : { bootStatus }),
      ...(served === undefined ? {} : { seedTokens: served.admin, seeds: served.seeds }),
    },
    {
      trustedProxies: config.trusted_proxies.map(parseCidr),
      requestTimeoutMs: config.request_timeout * 1000,
      maxInflight: config.max_inflight,
      wireguardOnly: config.wireguard_only,
    },
  )
  const timeouts = listenTimeouts(config)
  const http = await listen(app, { host: config.host, port: config.port, ...timeouts, ...(deps.reusePort ? { reusePort: true } : {}) })
  let metricsHttp: HttpServerHandle | undefined
  if (config.enable_metrics && metrics !== undefined) {
    try {
      metricsHttp = await listenMetrics(metrics, { host: config.host, port: config.metrics_port, ...timeouts })
    } catch (err) {
      await http.close(0)
      throw new CliError(`cannot serve metrics on ${config.host}:${config.metrics_port} (metrics_port): ${(err as Error).message}`, undefined, { cause: err })
    }
    deps.logger.info('metrics listening', { host: metricsHttp.address, port: metricsHttp.port })
  }
  // OPS-7: every document of every node is rendered ahead of the storm, again after each snapshot or store change.
  const prerender = nocloud.startPrerender()
  // SEED: the token index follows the inventory and every rotation, in the background.
  const seedIndex = served?.seeds.start()
  return {
    http,
    metrics,
    ...(metricsHttp === undefined ? {} : { metricsHttp }),
    close: async (drainMs) => {
      prerender.stop()
      seedIndex?.stop()
      await Promise.all([http.close(drainMs), metricsHttp?.close(drainMs)])
    },
  }
}

/**
 * The Go service's `read_timeout`, `write_timeout` and `idle_timeout` (seconds) as node:http's: read → headers and
 * request timeout, write → socket inactivity while a request is under way, idle → keep-alive (docs/spec-addendum.md).
 */
export function listenTimeouts(config: Pick<Config, 'read_timeout' | 'write_timeout' | 'idle_timeout'>) {
  return {
    readTimeoutMs: Math.round(config.read_timeout * 1000),
    writeTimeoutMs: Math.round(config.write_timeout * 1000),
    idleTimeoutMs: Math.round(config.idle_timeout * 1000),
  }
}
