import { Registry } from 'prom-client'
import { registerRequestMetrics, type RequestObserver } from './request-metrics.js'
import { registerStateMetrics, type MetricsSources } from './state-metrics.js'

/** The SVC-4 metrics of one service: a private registry, the request observer and the text for `/metrics`. */
export interface ServiceMetrics {
  /** Fed by the app on every request (`createApp` deps `metrics`). */
  readonly requests: RequestObserver
  /** The Prometheus text exposition (format 0.0.4) of every family. */
  scrape(): Promise<string>
  /** `text/plain; version=0.0.4; charset=utf-8`. */
  readonly contentType: string
}

/**
 * Creates the SVC-4 families (every name prefixed `metadata_service_`) on a registry of their own: never
 * prom-client's global one, so two services in one process (tests) never share or collide. Gauges that mirror other
 * components read `sources` at scrape time.
 */
export function createServiceMetrics(sources: MetricsSources = {}): ServiceMetrics {
  const registry = new Registry()
  const requests = registerRequestMetrics(registry)
  registerStateMetrics(registry, sources)
  return { requests, scrape: () => registry.metrics(), contentType: registry.contentType }
}
