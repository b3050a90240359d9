import { Counter, Gauge, type Registry } from 'prom-client'
import { BOOT_STATES, type BootSummary } from '@metadata-service/core'
import { METRIC_PREFIX } from './request-metrics.js'

/** How long one read of the boot record serves the families of a scrape, ms (they are collected together). */
const READ_TTL_MS = 250

/**
 * BOOT metrics, read from the boot record at scrape time (never per request): nodes per state, nodes per group
 * and state (no per-node labels: the series are bounded by groups × 6), and the unknown-address list. With
 * `--workers` every worker reads the primary's one record, so merged scrapes keep one copy ('first').
 */
export function registerBootMetrics(registry: Registry, read: (() => Promise<BootSummary>) | undefined): void {
  if (read === undefined) return
  let cached: { readonly at: number; readonly summary: Promise<BootSummary> } | undefined
  const summary = () => {
    const now = Date.now()
    if (cached === undefined || now - cached.at > READ_TTL_MS) cached = { at: now, summary: read() }
    return cached.summary
  }
  const registers = [registry]
  const aggregator = 'first'
  new Gauge({
    name: `${METRIC_PREFIX}boot_nodes`,
    help: 'Nodes per boot state (BOOT: idle, booting, configured, phoned-home, stuck, failing)',
    labelNames: ['state'],
    registers,
    aggregator,
    async collect() {
      const counts = (await summary()).summary
      for (const state of BOOT_STATES) this.set({ state }, counts[state])
    },
  })
  new Gauge({
    name: `${METRIC_PREFIX}boot_group_nodes`,
    help: 'Nodes per group label and boot state (BOOT)',
    labelNames: ['group', 'state'],
    registers,
    aggregator,
    async collect() {
      this.reset()
      for (const [group, counts] of Object.entries((await summary()).groups)) {
        for (const state of BOOT_STATES) this.set({ group, state }, counts[state])
      }
    },
  })
  new Gauge({
    name: `${METRIC_PREFIX}boot_unknown_addresses`,
    help: 'Addresses in the unknown-address list: they asked for documents and resolved to no node (BOOT)',
    registers,
    aggregator,
    async collect() {
      this.set((await summary()).unknownAddresses)
    },
  })
  new Counter({
    name: `${METRIC_PREFIX}boot_unknown_requests_total`,
    help: 'Requests from the addresses in the unknown-address list (BOOT)',
    registers,
    aggregator,
    async collect() {
      this.reset()
      this.inc((await summary()).unknownRequests)
    },
  })
  new Counter({
    name: `${METRIC_PREFIX}boot_unknown_dropped_total`,
    help: 'Requests from unknown addresses not kept because the list was full (BOOT, boot_max_unknown_addresses)',
    registers,
    aggregator,
    async collect() {
      this.reset()
      this.inc((await summary()).unknownDropped)
    },
  })
}
