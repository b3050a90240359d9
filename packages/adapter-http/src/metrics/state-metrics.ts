import { Counter, Gauge, type Aggregator, type Registry } from 'prom-client'
import type { BootSummary, InventoryStats, NoCloudStats, StoreProblem, SupersededGroup, TokenHealth, TokenMode } from '@metadata-service/core'
import { METRIC_PREFIX } from './request-metrics.js'
import { registerSeedMetrics, type SeedTokenMetricsView } from './seed-metrics.js'

/** The token source's state (TOK-9) and its failed TokenSmith attempts. */
export interface TokenMetricsView {
  readonly mode: TokenMode
  readonly health: TokenHealth
  readonly refreshFailures: number
}

/** WireGuard's state (WG-1: off when unset, invalid or failed). */
export interface WireGuardMetricsView {
  readonly enabled: boolean
  /** Stored peers with a tunnel address. */
  readonly peers: number
}

/**
 * Where the scrape-time families read their values. Each is called on every scrape only (never per request), so
 * the gauges mirror the components' own state instead of being pushed on the hot path. An absent source leaves
 * its families at their neutral values (0, or no series for labelled ones).
 */
export interface MetricsSources {
  /** The inventory's counters (`Inventory.stats()`). */
  readonly smd?: () => InventoryStats
  readonly token?: () => TokenMetricsView
  readonly wireguard?: () => WireGuardMetricsView
  /** STO-4 corrupt files (`ResourceStore.problems()`). */
  readonly storageProblems?: () => readonly StoreProblem[]
  /** §16 RES-3 names held several times (`ResourceStore.superseded()`). */
  readonly superseded?: () => readonly SupersededGroup[]
  /** NC-17 degraded answers and the render cache counters. */
  readonly nocloud?: () => NoCloudStats
  /** BOOT: the boot record's counts (a worker asks its primary's record); absent: no `boot_*` families. */
  readonly bootStatus?: () => Promise<BootSummary>
  /** SEED: the mode and the seed token counters; absent reads as `off`. */
  readonly seeds?: () => SeedTokenMetricsView
}

const DOCUMENTS = ['metaData', 'vendorData', 'networkConfig', 'group'] as const
const DOCUMENT_LABEL: Readonly<Record<(typeof DOCUMENTS)[number], string>> = {
  metaData: 'meta-data',
  vendorData: 'vendor-data',
  networkConfig: 'network-config',
  group: 'group',
}

/**
 * Registers the SVC-4 SMD, TokenSmith, WireGuard, storage, NoCloud and seed token families, all computed in collect
 * callbacks. Before the first successful sync `smd_sync_age_seconds` is `+Inf` and the last-success timestamp 0,
 * so an alert on the age fires for a service that never synced.
 */
export function registerStateMetrics(registry: Registry, sources: MetricsSources): void {
  const registers = [registry]
  // With `--workers`, every worker mirrors the one primary's SMD, token, WireGuard and storage state: merging the
  // workers' scrapes keeps one copy of those ('first'); per-worker NoCloud counters add up ('sum').
  const gauge = (name: string, help: string, read: () => number, aggregator: Aggregator = 'first') =>
    new Gauge({ name: METRIC_PREFIX + name, help, registers, aggregator, collect() { this.set(read()) } })
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({ name: METRIC_PREFIX + name, help, registers, aggregator: 'first', collect() { this.reset(); this.inc(read()) } })
  const smd = () => sources.smd?.()

  gauge('smd_sync_age_seconds', 'Seconds since the last successful SMD sync (+Inf before one)', () => {
    const age = smd()?.syncAgeSec
    return age === undefined ? Number.POSITIVE_INFINITY : age
  })
  gauge('smd_sync_last_success_timestamp_seconds', 'Unix time of the last successful SMD sync (0 before one)', () => {
    const at = smd()?.lastSuccessAt
    return at === undefined ? 0 : at / 1000
  })
  gauge('smd_sync_duration_seconds', 'Duration of the last SMD sync attempt', () => (smd()?.lastSyncDurationMs ?? 0) / 1000)
  counter('smd_sync_failures_total', 'Failed SMD syncs (SMD-7)', () => smd()?.syncFailures ?? 0)
  gauge('smd_snapshot_nodes', 'Nodes in the SMD snapshot', () => smd()?.nodes ?? 0)
  gauge('smd_snapshot_ips', 'Addresses in the SMD snapshot IP index (SMD-9)', () => smd()?.ips ?? 0)
  gauge('smd_snapshot_stale', '1 while the snapshot is older than 2x the sync interval (SMD-8)', () => (smd()?.stale ? 1 : 0))
  new Counter({
    name: `${METRIC_PREFIX}smd_live_lookups_total`,
    help: 'Live SMD lookups on a snapshot miss (SMD-11), by result',
    labelNames: ['result'],
    registers,
    aggregator: 'first',
    collect() {
      this.reset()
      const lookups = smd()?.liveLookups
      for (const result of ['found', 'not_found', 'error'] as const) this.inc({ result }, lookups?.[result] ?? 0)
    },
  })

  new Gauge({
    name: `${METRIC_PREFIX}tokensmith_healthy`,
    help: 'Whether SMD tokens can be obtained (TOK-9), by mode; always 1 in static mode',
    labelNames: ['mode'],
    registers,
    aggregator: 'first',
    collect() {
      this.reset()
      const token = sources.token?.()
      if (token !== undefined) this.set({ mode: token.mode }, token.mode === 'static' || token.health.healthy ? 1 : 0)
    },
  })
  counter('tokensmith_refresh_failures_total', 'Failed TokenSmith attempts (TOK-7)', () => sources.token?.().refreshFailures ?? 0)

  gauge('wireguard_enabled', '1 while WireGuard bootstrap is on (WG-1)', () => (sources.wireguard?.().enabled ? 1 : 0))
  gauge('wireguard_peers', 'Stored WireGuard peers with a tunnel address (WG-9)', () => sources.wireguard?.().peers ?? 0)

  // Gauges by resource kind: each source item adds its weight to its kind's series.
  const perKindGauge = <T extends { readonly kind: string }>(name: string, help: string, items: () => readonly T[], weight: (item: T) => number) =>
    new Gauge({
      name: METRIC_PREFIX + name,
      help,
      labelNames: ['kind'],
      registers,
      aggregator: 'first',
      collect() {
        this.reset()
        const perKind = new Map<string, number>()
        for (const item of items()) perKind.set(item.kind, (perKind.get(item.kind) ?? 0) + weight(item))
        for (const [kind, count] of perKind) this.set({ kind }, count)
      },
    })
  perKindGauge('storage_corrupt_files', 'Corrupt resource files excluded at startup (STO-4), by kind', () => sources.storageProblems?.() ?? [], () => 1)
  perKindGauge(
    'superseded_resources',
    'Resources kept but not served because a later one of the kind holds their name (§16 RES-3), by kind',
    () => sources.superseded?.() ?? [],
    (group) => group.superseded.length,
  )

  const nocloud = () => sources.nocloud?.()
  new Counter({
    name: `${METRIC_PREFIX}degraded_responses_total`,
    help: 'Known-node answers given the minimal body after a build failure (NC-17), by route',
    labelNames: ['route'],
    registers,
    collect() {
      this.reset()
      const degraded = nocloud()?.degraded
      this.inc({ route: '/vendor-data' }, degraded?.['vendor-data'] ?? 0)
      this.inc({ route: '/network-config' }, degraded?.['network-config'] ?? 0)
    },
  })
  // Issue 14: how much of the network-config documents is guessed or left out, so an operator sees it grow.
  new Counter({
    name: `${METRIC_PREFIX}network_config_addresses_total`,
    help: 'Addresses in built network-config documents, by outcome: defined (prefix from a network definition), guessed (/24, no definition), left_out (outside its subnet, or not an address)',
    labelNames: ['outcome'],
    registers,
    collect() {
      this.reset()
      const counts = nocloud()?.networkAddresses
      this.inc({ outcome: 'defined' }, counts?.defined ?? 0)
      this.inc({ outcome: 'guessed' }, counts?.guessed ?? 0)
      this.inc({ outcome: 'left_out' }, counts?.leftOut ?? 0)
    },
  })
  // SPEC §16 "Template cost": group documents answered 500 because a template ran into a bound, per group and
  // limit (`bytes`: max_document_bytes, `steps`: the render budget). Groups are operator-made: bounded labels.
  new Counter({
    name: `${METRIC_PREFIX}template_limit_exceeded_total`,
    help: 'Group documents answered 500 "template output exceeds <limit>", by group and limit (bytes or steps)',
    labelNames: ['group', 'limit'],
    registers,
    aggregator: 'sum',
    collect() {
      this.reset()
      for (const [group, counts] of Object.entries(nocloud()?.templateLimits ?? {})) {
        for (const limit of ['bytes', 'steps'] as const) if (counts[limit] > 0) this.inc({ group, limit }, counts[limit])
      }
    },
  })
  const perDocument = (name: string, help: string, read: (stats: NoCloudStats) => Readonly<Record<(typeof DOCUMENTS)[number], number>>) =>
    new Counter({
      name: METRIC_PREFIX + name,
      help,
      labelNames: ['document'],
      registers,
      collect() {
        this.reset()
        const stats = nocloud()
        for (const key of DOCUMENTS) this.inc({ document: DOCUMENT_LABEL[key] }, stats === undefined ? 0 : read(stats)[key])
      },
    })
  perDocument('render_cache_hits_total', 'NoCloud documents answered from the rendered-document cache', (s) => s.hits)
  perDocument('render_cache_misses_total', 'NoCloud documents built because the cache had none', (s) => s.builds)
  gauge('render_cache_documents', 'Rendered documents currently cached', () => nocloud()?.cachedDocuments ?? 0, 'sum')
  // OPS-7 pre-render (per serving process; summed over workers, the last pass's duration as the slowest one's).
  const prerender = () => nocloud()?.prerender
  const summed = (name: string, help: string, read: () => number) =>
    new Counter({ name: METRIC_PREFIX + name, help, registers, aggregator: 'sum', collect() { this.reset(); this.inc(read()) } })
  summed('prerender_passes_total', 'Pre-render passes that cached every node (or reached the cache cap)', () => prerender()?.passes ?? 0)
  summed('prerender_abandoned_total', 'Pre-render passes given up because the inventory or store changed', () => prerender()?.abandoned ?? 0)
  gauge('prerender_running', 'Serving processes with a pre-render pass under way', () => (prerender()?.running ? 1 : 0), 'sum')
  gauge('prerender_last_pass_documents', 'Documents the last pre-render pass left cached', () => prerender()?.lastPass?.documents ?? 0, 'sum')
  gauge('prerender_last_pass_seconds', 'Wall time of the last pre-render pass', () => (prerender()?.lastPass?.durationMs ?? 0) / 1000, 'max')
  registerSeedMetrics(registry, sources.seeds)
}
