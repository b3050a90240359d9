import { AggregatorRegistry, Registry } from 'prom-client'
import { registerBootMetrics } from './boot-metrics.js'
import { registerRequestMetrics, type RequestObserver } from './request-metrics.js'
import { registerRuntimeMetrics, type BuildInfo } from './runtime-metrics.js'
import { registerStateMetrics, type MetricsSources } from './state-metrics.js'

/** One process's metric families as plain data (prom-client's JSON form), for merging across worker processes. */
export type MetricsSnapshot = readonly unknown[]

/** The SVC-4 metrics of one service: a private registry, the request observer and the text for `/metrics`. */
export interface ServiceMetrics {
  /** Fed by the app on every request (`createApp` deps `metrics`). */
  readonly requests: RequestObserver
  /** The Prometheus text exposition (format 0.0.4) of every family (of every worker, with `gather`). */
  scrape(): Promise<string>
  /** This process's families only, as structured-cloneable data (what `gather` collects from each worker). */
  snapshot(): Promise<MetricsSnapshot>
  /** `text/plain; version=0.0.4; charset=utf-8`. */
  readonly contentType: string
}

/** Options of {@link createServiceMetrics}. */
export interface ServiceMetricsOptions {
  /**
   * With `--workers`: resolves every worker's {@link ServiceMetrics.snapshot}, so a scrape answered by any worker
   * shows the whole service (request counters summed, the primary's mirrored state once). Absent: this process only.
   */
  readonly gather?: () => Promise<readonly MetricsSnapshot[]>
  /**
   * The process and runtime families (`process_*`, `nodejs_*`) and `metadata_service_build_info` with these labels.
   * Absent: none of them (tests that build many apps in one process).
   */
  readonly build?: BuildInfo
}

/**
 * Creates the SVC-4 families (every name prefixed `metadata_service_`) on a registry of their own: never
 * prom-client's global one, so two services in one process (tests) never share or collide. Gauges that mirror other
 * components read `sources` at scrape time.
 */
export function createServiceMetrics(sources: MetricsSources = {}, options: ServiceMetricsOptions = {}): ServiceMetrics {
  const registry = new Registry()
  const requests = registerRequestMetrics(registry)
  registerStateMetrics(registry, sources)
  if (options.build !== undefined) registerRuntimeMetrics(registry, options.build)
  registerBootMetrics(registry, sources.bootStatus)
  const { gather } = options
  return {
    requests,
    scrape:
      gather === undefined
        ? () => registry.metrics()
        : async () => AggregatorRegistry.aggregate((await gather()) as Parameters<typeof AggregatorRegistry.aggregate>[0]).metrics(),
    snapshot: () => registry.getMetricsAsJSON(),
    contentType: registry.contentType,
  }
}
