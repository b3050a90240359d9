import type { MetricsSources, SeedTokenMetricsView, TokenMetricsView, WireGuardMetricsView } from '@metadata-service/adapter-http'
import type { BootStatusReader, InstrumentedNoCloudService, Inventory, ResourceStore, TokenSource } from '@metadata-service/core'

/** The running components whose state `/metrics` mirrors (SVC-4). */
export interface MetricsParts {
  readonly inventory: Inventory
  /** Absent with `--mock-smd`: no SMD auth at all, reported as static (always healthy). */
  readonly tokenSource: TokenSource | undefined
  readonly store: ResourceStore
  readonly nocloud: InstrumentedNoCloudService
  /** WG-1: absent while WireGuard is not wired; reported as off. */
  readonly wireguard?: () => WireGuardMetricsView
  /** BOOT: absent with `boot_status: false` (no `boot_*` families). */
  readonly bootStatus?: BootStatusReader | undefined
  /** SEED: the mode and, unless off, the seed token counters. */
  readonly seeds?: () => SeedTokenMetricsView
}

/**
 * Maps the components to the scrape-time sources of adapter-http's metrics. Each source is read on a scrape only,
 * never per request, through the ports' own `stats()` (SVC-4).
 */
export function metricsSources(parts: MetricsParts): MetricsSources {
  return {
    smd: () => parts.inventory.stats(),
    token: () => tokenMetricsView(parts.tokenSource),
    wireguard: parts.wireguard ?? (() => ({ enabled: false, peers: 0 })),
    storageProblems: () => parts.store.problems(),
    superseded: () => parts.store.superseded(),
    nocloud: () => parts.nocloud.stats(),
    ...(parts.bootStatus === undefined ? {} : { bootStatus: () => (parts.bootStatus as BootStatusReader).summary() }),
    ...(parts.seeds === undefined ? {} : { seeds: parts.seeds }),
  }
}

// --- internal ---

/** TOK-9 state of `tokenSource` for `/metrics`; absent (`--mock-smd`) reads as healthy static. */
function tokenMetricsView(tokenSource: TokenSource | undefined): TokenMetricsView {
  return {
    mode: tokenSource?.mode ?? 'static',
    health: tokenSource?.health() ?? { healthy: true },
    refreshFailures: tokenSource?.stats().refreshFailures ?? 0,
  }
}
