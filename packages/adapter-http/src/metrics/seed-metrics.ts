import { Counter, Gauge, type Registry } from 'prom-client'
import { SEED_TOKEN_MODES, type SeedTokenMode, type SeedTokenStats } from '@metadata-service/core'
import { METRIC_PREFIX } from './request-metrics.js'

/** Seed tokens as `/metrics` shows them (SEED): the configured mode and, unless off, the counters. */
export interface SeedTokenMetricsView {
  readonly mode: SeedTokenMode
  /** Absent with `seed_tokens: off`. */
  readonly stats?: SeedTokenStats
}

const RESULTS = [
  ['accepted', 'accepted'],
  ['malformed', 'malformed'],
  ['unknown', 'unknown'],
  ['wrongAddress', 'wrong_address'],
] as const

/**
 * Registers the SEED families, read at scrape time from `read` (absent: mode off, no counts). Counters are per
 * serving process and summed over `--workers`; the mode and the index size are the same in every worker.
 */
export function registerSeedMetrics(registry: Registry, read: (() => SeedTokenMetricsView) | undefined): void {
  const registers = [registry]
  const view = (): SeedTokenMetricsView => read?.() ?? { mode: 'off' }
  new Gauge({
    name: `${METRIC_PREFIX}seed_tokens_mode`,
    help: '1 for the configured seed_tokens mode (off, optional, required)',
    labelNames: ['mode'],
    registers,
    aggregator: 'first',
    collect() {
      const mode = view().mode
      for (const each of SEED_TOKEN_MODES) this.set({ mode: each }, each === mode ? 1 : 0)
    },
  })
  new Counter({
    name: `${METRIC_PREFIX}seed_token_requests_total`,
    help: 'Requests under /n/<token>/, by result: accepted, or refused as malformed, unknown (also rotated) or wrong_address (seed_tokens_bind_address)',
    labelNames: ['result'],
    registers,
    aggregator: 'sum',
    collect() {
      this.reset()
      const requests = view().stats?.requests
      for (const [key, result] of RESULTS) this.inc({ result }, requests?.[key] ?? 0)
    },
  })
  new Counter({
    name: `${METRIC_PREFIX}seed_token_address_only_refused_total`,
    help: 'Address-only NoCloud requests of known nodes refused with 403 by seed_tokens: required',
    registers,
    aggregator: 'sum',
    collect() {
      this.reset()
      this.inc(view().stats?.addressOnlyRefused ?? 0)
    },
  })
  new Counter({
    name: `${METRIC_PREFIX}seed_token_rotations_total`,
    help: 'Seed token rotations made through this service, by scope: node (one per node rotated) or all',
    labelNames: ['scope'],
    registers,
    aggregator: 'sum',
    collect() {
      this.reset()
      const rotations = view().stats?.rotations
      this.inc({ scope: 'node' }, rotations?.nodes ?? 0)
      this.inc({ scope: 'all' }, rotations?.all ?? 0)
    },
  })
  new Gauge({
    name: `${METRIC_PREFIX}seed_tokens_indexed`,
    help: 'Nodes whose seed token is in the token index',
    registers,
    aggregator: 'max',
    collect() {
      this.set(view().stats?.indexed ?? 0)
    },
  })
}
