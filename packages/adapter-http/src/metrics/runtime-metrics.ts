import { collectDefaultMetrics, Gauge, Registry, type Aggregator } from 'prom-client'
import { METRIC_PREFIX } from './request-metrics.js'
import type { MetricsSnapshot } from './service-metrics.js'

/** What `metadata_service_build_info` says about the running executable. */
export interface BuildInfo {
  /** The release, e.g. `0.1.0`. */
  readonly version: string
  /** The git commit it was built from; `unknown` when the build did not know it. */
  readonly commit?: string
}

/**
 * How a family of one process merges with the same family of the other processes of `--workers` (prom-client's
 * AggregatorRegistry; unlisted families are summed: CPU seconds, memory, heap, handles and open descriptors of the
 * whole service). prom-client would drop the start time altogether; the oldest process is when the service started.
 */
const AGGREGATORS: Readonly<Record<string, Aggregator>> = {
  process_start_time_seconds: 'min',
  // A per-process limit: the sum of the limits means nothing.
  process_max_fds: 'min',
}

/**
 * Registers prom-client's default process and Node.js runtime families (`process_*`, `nodejs_*`, their usual
 * names without our prefix, so the dashboards and alerts written for them work unchanged) and
 * `metadata_service_build_info{version,commit,node}` (always 1) on `registry`. Each call starts the event-loop delay
 * monitor and the GC observer of prom-client for the process, so call it once per process.
 */
export function registerRuntimeMetrics(registry: Registry, build: BuildInfo): void {
  collectDefaultMetrics({ register: registry })
  for (const [name, aggregator] of Object.entries(AGGREGATORS)) {
    const metric = registry.getSingleMetric(name)
    // The field every metric has at run time (its `aggregator` option), which prom-client's typings leave out.
    if (metric !== undefined) Object.assign(metric, { aggregator })
  }
  const info = new Gauge({
    name: `${METRIC_PREFIX}build_info`,
    help: 'The running build: release version, git commit and Node.js version (always 1)',
    labelNames: ['version', 'commit', 'node'],
    registers: [registry],
    aggregator: 'first',
  })
  info.set({ version: build.version, commit: build.commit ?? 'unknown', node: process.version }, 1)
}

/**
 * The runtime families of a process that serves no HTTP itself (the primary of `--workers`): its snapshot joins the
 * workers' in every scrape, so `/metrics` covers every process of the service.
 */
export function createRuntimeMetrics(build: BuildInfo): { snapshot(): Promise<MetricsSnapshot> } {
  const registry = new Registry()
  registerRuntimeMetrics(registry, build)
  return { snapshot: () => registry.getMetricsAsJSON() }
}
