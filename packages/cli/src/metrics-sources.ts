import type { MetricsSources, SmdMetricsView, TokenMetricsView, WireGuardMetricsView } from '@metadata-service/adapter-http'
import type { SmdInventory, TokenSmithSource } from '@metadata-service/adapter-smd'
import type { InstrumentedNoCloudService, Inventory, ResourceStore, TokenSource } from '@metadata-service/core'

/** The running components whose state `/metrics` mirrors (SVC-4). */
export interface MetricsParts {
  readonly inventory: Inventory
  /** Absent with `--mock-smd`: no SMD auth at all, reported as static (always healthy). */
  readonly tokenSource: TokenSource | undefined
  readonly store: ResourceStore
  readonly nocloud: InstrumentedNoCloudService
  /** WG-1: absent while WireGuard is not wired; reported as off. */
  readonly wireguard?: () => WireGuardMetricsView
}

/**
 * Maps the components to the scrape-time sources of adapter-http's metrics. Each source is read on a scrape only,
 * never per request. The SMD inventories (real and mock) and the TokenSmith source report counters through
 * `stats()`; other implementations of the ports simply have none.
 */
export function metricsSources(parts: MetricsParts): MetricsSources {
  const smd = statsOf<SmdInventory>(parts.inventory)
  return {
    ...(smd === undefined ? {} : { smd: (): SmdMetricsView => smd.stats() }),
    token: () => tokenMetricsView(parts.tokenSource),
    wireguard: parts.wireguard ?? (() => ({ enabled: false, peers: 0 })),
    storageProblems: () => parts.store.problems(),
    superseded: () => parts.store.superseded(),
    nocloud: () => parts.nocloud.stats(),
  }
}

/** The SMD inventory's counters, when `inventory` is one of adapter-smd's (real or mock); else undefined. */
export function smdMetricsViewOf(inventory: Inventory): SmdMetricsView | undefined {
  return statsOf<SmdInventory>(inventory)?.stats()
}

/** TOK-9 state of `tokenSource` for `/metrics` and worker mirrors; absent (`--mock-smd`) reads as healthy static. */
export function tokenMetricsView(tokenSource: TokenSource | undefined): TokenMetricsView {
  return {
    mode: tokenSource?.mode ?? 'static',
    health: tokenSource?.health() ?? { healthy: true },
    refreshFailures: statsOf<TokenSmithSource>(tokenSource)?.stats().refreshFailures ?? 0,
  }
}

// --- internal ---

/** `value` when it has a `stats()` method (adapter-smd's inventories and TokenSmith source), else undefined. */
function statsOf<T extends { stats(): unknown }>(value: object | undefined): T | undefined {
  return value !== undefined && typeof (value as Partial<T>).stats === 'function' ? (value as T) : undefined
}
