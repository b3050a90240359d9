import { resolve } from 'node:path'
import { createApp, createServiceMetrics, listen, type HealthReport } from '@metadata-service/adapter-http'
import { SMD_URL_REQUIRED_MESSAGE } from '@metadata-service/adapter-smd'
import {
  checkWireGuardPeer,
  createNoCloudService,
  createResourceService,
  parseCidr,
  type Clock,
  type Inventory,
  type Logger,
  type TokenSource,
  type WireGuardService,
} from '@metadata-service/core'
import { adminAuthorizerFor } from './admin-access.js'
import type { Config } from './config/schema.js'
import { CliError } from './errors.js'
import { openInventory } from './inventory.js'
import { openWireGuard, wireGuardEndpoints } from './wireguard.js'
import { metricsSources } from './metrics-sources.js'
import { openStore } from './store.js'

/** What the composition root needs besides the configuration. */
export interface ComposeDeps {
  readonly logger: Logger
  readonly clock: Clock
  /** This executable's version, for the SMD User-Agent (SMD-3). */
  readonly version: string
}

/** A started service. */
export interface RunningServer {
  /** The port actually bound (useful with `--port 0`). */
  readonly port: number
  /** Stops accepting, drains for up to `shutdown_timeout`, stops background work and releases the lock (OPS-4). */
  close(): Promise<void>
}

/**
 * The composition root (OPS-1): config → lock and storage → SMD client → TokenSmith init → WireGuard and peer
 * reconcile → listen → sync. The only
 * place that wires several adapters together. On a startup failure everything already opened is closed again, so
 * the lock is released.
 */
export async function startServer(config: Config, deps: ComposeDeps): Promise<RunningServer> {
  const { logger, clock } = deps
  checkSupported(config, logger)
  // SEC-6 is settled before the data directory is touched: a bad auth setting fails startup without a lock.
  const authorize = adminAuthorizerFor(config)

  const dataDir = resolve(config.data_dir)
  // store=postgres: no data-dir lock (replicas share the database); data_dir still keeps the WireGuard key.
  const store = await openStore(config, logger)
  // Closed in reverse order of opening, on shutdown and on a failed start.
  const closers: (() => Promise<void>)[] = [() => store.close()]
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) {
      await close().catch((err: unknown) => logger.error('shutdown step failed', { err }))
    }
  }
  try {
    const { inventory, tokenSource } = await openInventory(config, {
      logger,
      clock,
      version: deps.version,
      onOpened: (close) => closers.push(close),
    })

    // WG-11: WireGuardPeers written through the resource API get the key, CIDR and address-in-use checks.
    const resources = createResourceService({ store, clock, kindChecks: { WireGuardPeer: checkWireGuardPeer } })
    // WG-9: tunnel addresses resolve before the inventory (ID-4); the service exists once WireGuard has started.
    const tunnel: { service?: WireGuardService } = {}
    const nocloud = createNoCloudService({
      inventory,
      store,
      publicUrl: config.public_url,
      logger,
      tunnelResolver: (address) => tunnel.service?.resolveTunnelAddress(address),
    })
    const started = await openWireGuard(config, { store, dataDir, logger, clock, resolveNode: (a) => nocloud.resolveNode(a) })
    tunnel.service = started
    closers.push(() => started.close())
    const metrics = config.metrics
      ? createServiceMetrics(
          metricsSources({
            inventory,
            tokenSource,
            store,
            nocloud,
            wireguard: () => ({ enabled: started.enabled(), peers: started.tunnelMap().size }),
          }),
        )
      : undefined
    const app = createApp(
      {
        resources,
        nocloud,
        health: () => health(inventory, tokenSource),
        logger,
        authorize,
        // SVC-4 `/metrics` on the main port unless `--metrics=false`; `POST /render` is admin-guarded (SEC-6).
        ...(metrics === undefined ? {} : { metrics }),
        preview: nocloud,
        wireguard: wireGuardEndpoints(started),
      },
      {
        trustedProxies: config.trusted_proxies.map(parseCidr),
        requestTimeoutMs: config.request_timeout * 1000,
        maxInflight: config.max_inflight,
        wireguardOnly: config.wireguard_only,
      },
    )
    const http = await listen(app, { host: config.host, port: config.port })
    closers.push(() => http.close(config.shutdown_timeout * 1000))
    logger.info('listening', { host: http.address, port: http.port, mockSmd: config.mock_smd, wireguard: started.enabled() })

    await inventory.start()
    return { port: http.port, close: closeAll }
  } catch (err) {
    await closeAll()
    throw err
  }
}

// --- internal ---

/** Startup refusals and warnings for settings this release does not serve yet (kept honest in the README). */
function checkSupported(config: Config, logger: Logger): void {
  if (!config.mock_smd && config.smd_url === '') throw new CliError(SMD_URL_REQUIRED_MESSAGE)
  if (config.workers !== 1) logger.warn('workers: this release serves from one process', { workers: config.workers })
}

/** SVC-1: unhealthy while dynamic auth is (TOK-9), else until the first sync (SMD-14). A stale snapshot stays 200. */
function health(inventory: Inventory, tokenSource: TokenSource | undefined): HealthReport {
  const token = tokenSource?.health()
  if (token !== undefined && !token.healthy) return { healthy: false, reason: token.reason ?? 'dynamic TokenSmith auth unhealthy' }
  return inventory.health().ready ? { healthy: true } : { healthy: false, reason: 'smd initial refresh pending' }
}
