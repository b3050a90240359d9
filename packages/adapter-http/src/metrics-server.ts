import type { RequestListener } from 'node:http'
import type Koa from 'koa'
import type { ServiceMetrics } from './metrics/service-metrics.js'
import { listen, type HttpServerHandle, type ListenOptions } from './server.js'

/**
 * `enable_metrics` / `metrics_port` of the Go service: `/metrics` (SVC-4, Prometheus text) on a listener of its own,
 * so a scraper can reach it on a port the nodes cannot. `GET`/`HEAD /metrics` answers the scrape; other methods on
 * it `405` with `Allow`; any other path `404` plain `not found`. Rejects when the port cannot be bound.
 */
export function listenMetrics(metrics: ServiceMetrics, options: ListenOptions): Promise<HttpServerHandle> {
  const handler: RequestListener = (req, res) => {
    const path = (req.url ?? '').split('?', 1)[0]
    res.setHeader('X-Content-Type-Options', 'nosniff')
    if (path !== '/metrics') return void plain(res, 404, 'not found')
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      return void plain(res, 405, 'method not allowed')
    }
    metrics.scrape().then(
      (text) => {
        res.writeHead(200, { 'Content-Type': metrics.contentType })
        res.end(req.method === 'HEAD' ? undefined : text)
      },
      () => plain(res, 500, 'metrics unavailable'),
    )
  }
  // `listen` serves anything with a Koa-shaped `callback`; this listener needs no Koa.
  return listen({ callback: () => handler as unknown as ReturnType<Koa['callback']> }, options)
}

function plain(res: Parameters<RequestListener>[1], status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' })
  res.end(`${text}\n`)
}
