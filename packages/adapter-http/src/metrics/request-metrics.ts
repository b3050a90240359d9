import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import type { RequestRecord } from '../middleware/request-context.js'
import { NOCLOUD_ROUTE_DOCUMENTS, SEED_ROUTE_PREFIX } from '../_internal/nocloud-route.js'

/** SVC-4: every name starts with this. */
export const METRIC_PREFIX = 'metadata_service_'

/** SVC-4 `http_request_duration_seconds` buckets, .005 s to 10 s. */
export const DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** What the app calls on the hot path: once when a request starts and once when it is answered. */
export interface RequestObserver {
  /** A request entered the app (`http_requests_in_flight`). */
  started(): void
  /** A request was answered and logged (OPS-5 record). */
  finished(record: RequestRecord): void
}

// The NoCloud routes (address-only and SEED seed routes) and the document each one serves.
const DOCUMENT_OF_ROUTE: ReadonlyMap<string, string> = NOCLOUD_ROUTE_DOCUMENTS
// Routes that resolve the client to a node (ID-4); a 404 without a node there is an unknown client. (A 404 under a
// seed URL is an unknown token, counted by the seed token metrics.)
const NODE_ROUTES: ReadonlySet<string> = new Set(
  [...NOCLOUD_ROUTE_DOCUMENTS].filter(([route, document]) => document !== 'user-data' && !route.startsWith(SEED_ROUTE_PREFIX)).map(([route]) => route),
)

/** One (method, route, status) series: plain numbers on the hot path, read by the collectors at scrape time. */
interface Cell {
  readonly labels: { readonly method: string; readonly route: string; readonly status: string }
  readonly document: string | undefined
  readonly unknownClientOn404: boolean
  count: number
  sum: number
  /** Non-cumulative counts per bucket of DURATION_BUCKETS, plus one for +Inf. */
  readonly buckets: Float64Array
}

/**
 * Registers the HTTP families of SVC-4 on `registry` and returns the observer that feeds them.
 *
 * Per request the cost is two Map lookups and a few additions (OPS-7: the boot storm must stay ≥0.8× a bare
 * server): series are plain cells keyed by method → route → status, created once, and turned into prom-client
 * values only when `/metrics` is scraped. Route labels are patterns (`/groups/:uid`) or `unmatched`, so the number
 * of series stays bounded whatever paths clients send.
 */
export function registerRequestMetrics(registry: Registry): RequestObserver {
  const cells = new Map<string, Map<string, Map<number, Cell>>>()
  const all: Cell[] = []
  let started = 0
  let finished = 0
  let unknownClients = 0
  const rejected = { overload: 0, timeout: 0 }

  const cellFor = (record: RequestRecord): Cell => {
    let byRoute = cells.get(record.method)
    if (byRoute === undefined) cells.set(record.method, (byRoute = new Map()))
    let byStatus = byRoute.get(record.route)
    if (byStatus === undefined) byRoute.set(record.route, (byStatus = new Map()))
    let cell = byStatus.get(record.status)
    if (cell === undefined) {
      cell = {
        labels: { method: record.method, route: record.route, status: String(record.status) },
        document: record.status === 200 ? DOCUMENT_OF_ROUTE.get(record.route) : undefined,
        unknownClientOn404: record.status === 404 && NODE_ROUTES.has(record.route),
        count: 0,
        sum: 0,
        buckets: new Float64Array(DURATION_BUCKETS.length + 1),
      }
      byStatus.set(record.status, cell)
      all.push(cell)
    }
    return cell
  }

  const registers = [registry]
  new Counter({
    name: `${METRIC_PREFIX}http_requests_total`,
    help: 'Answered HTTP requests by method, route pattern (or unmatched) and status',
    labelNames: ['method', 'route', 'status'],
    registers,
    collect() {
      this.reset()
      for (const cell of all) this.inc(cell.labels, cell.count)
    },
  })
  new CellHistogram(all, registers)
  new Gauge({
    name: `${METRIC_PREFIX}http_requests_in_flight`,
    help: 'HTTP requests received and not yet answered',
    registers,
    collect() {
      this.set(started - finished)
    },
  })
  new Counter({
    name: `${METRIC_PREFIX}http_requests_rejected_total`,
    help: 'Requests refused with 503 by the OPS-3 overload guard or the OPS-2 deadline',
    labelNames: ['reason'],
    registers,
    collect() {
      this.reset()
      this.inc({ reason: 'overload' }, rejected.overload)
      this.inc({ reason: 'timeout' }, rejected.timeout)
    },
  })
  new Counter({
    name: `${METRIC_PREFIX}unknown_client_total`,
    help: 'NoCloud requests from an address that resolves to no node (404 node not found)',
    registers,
    collect() {
      this.reset()
      this.inc(unknownClients)
    },
  })
  new Counter({
    name: `${METRIC_PREFIX}documents_served_total`,
    help: 'NoCloud documents answered with 200, by document (meta-data, user-data, vendor-data, network-config, group)',
    labelNames: ['document'],
    registers,
    collect() {
      this.reset()
      for (const document of DOCUMENT_OF_ROUTE.values()) this.inc({ document }, 0)
      for (const cell of all) if (cell.document !== undefined) this.inc({ document: cell.document }, cell.count)
    },
  })

  return {
    started: () => {
      started += 1
    },
    finished: (record) => {
      finished += 1
      const cell = cellFor(record)
      cell.count += 1
      const seconds = record.ms / 1000
      cell.sum += seconds
      let bucket = 0
      while (bucket < DURATION_BUCKETS.length && seconds > (DURATION_BUCKETS[bucket] as number)) bucket += 1
      cell.buckets[bucket] = (cell.buckets[bucket] as number) + 1
      if (cell.unknownClientOn404 && record.node === undefined) unknownClients += 1
      if (record.rejected !== undefined) rejected[record.rejected] += 1
    },
  }
}

// --- internal ---

/**
 * `http_request_duration_seconds` built from the cells at scrape time. prom-client's own `observe()` hashes the
 * label set on every call (about 1 µs); here the hot path only bumps a bucket, and `get()` writes the same values
 * prom-client would (cumulative `_bucket` with `le`, `_sum`, `_count`).
 */
const DURATION_NAME = `${METRIC_PREFIX}http_request_duration_seconds`
const DURATION_HELP = 'Time to answer an HTTP request, by method, route pattern (or unmatched) and status'

/** The request labels plus the bucket bound `le` that `_bucket` series carry. */
type DurationLabel = 'method' | 'route' | 'status' | 'le'
type HistogramObject = Awaited<ReturnType<Histogram<DurationLabel>['get']>>

class CellHistogram extends Histogram<DurationLabel> {
  readonly #cells: readonly Cell[]

  constructor(cells: readonly Cell[], registers: Registry[]) {
    super({
      name: DURATION_NAME,
      help: DURATION_HELP,
      labelNames: ['method', 'route', 'status'],
      buckets: [...DURATION_BUCKETS],
      registers,
    })
    this.#cells = cells
  }

  override async get(): Promise<HistogramObject> {
    const name = DURATION_NAME
    const values: HistogramObject['values'] = []
    for (const cell of this.#cells) {
      let cumulative = 0
      DURATION_BUCKETS.forEach((le, i) => {
        cumulative += cell.buckets[i] as number
        values.push({ labels: { ...cell.labels, le }, value: cumulative, metricName: `${name}_bucket` })
      })
      values.push({ labels: { ...cell.labels, le: '+Inf' }, value: cell.count, metricName: `${name}_bucket` })
      values.push({ labels: cell.labels, value: cell.sum, metricName: `${name}_sum` })
      values.push({ labels: cell.labels, value: cell.count, metricName: `${name}_count` })
    }
    // prom-client's typings declare `type` as a numeric enum; at run time (and in the text format) it is the string.
    const result = { name, help: DURATION_HELP, type: 'histogram', aggregator: 'sum', values }
    return result as unknown as HistogramObject
  }

  /** The registry prefers this to `get()` when it exists (prom-client 15 histograms have it): the same values. */
  getForPromString(): Promise<HistogramObject> {
    return this.get()
  }
}
