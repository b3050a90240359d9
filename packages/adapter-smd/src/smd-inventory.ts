import { performance } from 'node:perf_hooks'
import {
  addressKey,
  silentLogger,
  systemClock,
  type Clock,
  type Inventory,
  type InventoryHealth,
  type InventoryLookupResult,
  type InventoryNode,
  type InventoryStats,
  type Logger,
  sameNodeTableData,
} from '@metadata-service/core'
import { createLiveLookup } from './_live-lookup.js'
import type { SmdClient, SnapshotSource } from './smd-client.js'
import { EMPTY_SNAPSHOT, type SmdSnapshot } from './snapshot.js'

/** One observation for the metrics (SVC-4 `smd_*`). */
export type SmdMetricEvent =
  | { readonly type: 'sync'; readonly ok: boolean; readonly durationMs: number }
  | { readonly type: 'live_lookup'; readonly result: InventoryLookupResult }

/** An {@link Inventory} backed by SMD, plus what tests need. */
export interface SmdInventory extends Inventory {
  /** Runs one sync now (joining one in flight); resolves `true` when it succeeded. Never rejects. */
  syncNow(): Promise<boolean>
}

/** Options of {@link createSmdInventory}. */
export interface SmdInventoryOptions {
  readonly client: SmdClient
  /**
   * Runs the bulk syncs; default `client` on this thread. `createSyncProcess` runs them in a child process, so that
   * fetching, parsing and assembling a 100,000-node snapshot never holds up requests (issue 19).
   */
  readonly syncSource?: SnapshotSource
  /** `smd_sync_enabled`; default true. False: no worker, nodes fetched live and cached (SMD-10). */
  readonly syncEnabled?: boolean
  /** `smd_sync_interval` in seconds; ≤0 or absent means 60 (SMD-8). Fractions are allowed (tests). */
  readonly syncIntervalSec?: number
  /** `smd_negative_cache_ttl` in seconds; default 30 (SMD-12). */
  readonly negativeCacheTtlSec?: number
  readonly logger?: Logger
  readonly clock?: Clock
  /** Called for every sync and live lookup. */
  readonly onMetrics?: (event: SmdMetricEvent) => void
  /** A snapshot to serve from the start, counting as a first successful sync (the mock, SMD-15). */
  readonly seed?: SmdSnapshot
}

const ERROR_TTL_MS = 5_000 // SMD-12
const MAX_LIVE_LOOKUPS = 8 // SMD-11
const FIRST_RETRY_MS = 1_000 // SMD-8

/**
 * The Inventory port on SMD: a snapshot swapped atomically by a periodic bulk sync (SMD-7, SMD-8), live lookups
 * on a miss (SMD-11) with a negative cache (SMD-12). Reads never wait for a sync and never lock.
 */
export function createSmdInventory(options: SmdInventoryOptions): SmdInventory {
  const { client } = options
  const source = options.syncSource ?? client
  const logger = options.logger ?? silentLogger
  const clock = options.clock ?? systemClock
  const syncEnabled = options.syncEnabled ?? true
  const intervalSec = options.syncIntervalSec !== undefined && options.syncIntervalSec > 0 ? options.syncIntervalSec : 60
  const intervalMs = intervalSec * 1000
  const emit = options.onMetrics ?? (() => {})

  let snapshot = options.seed ?? EMPTY_SNAPSHOT
  let generation = 1
  let lastSuccessAt: number | undefined = options.seed ? clock.now() : undefined
  let lastError: string | undefined
  let lastSyncDurationMs: number | undefined
  let syncSuccesses = options.seed ? 1 : 0
  let syncFailures = 0
  const liveLookups: Record<InventoryLookupResult, number> = { found: 0, not_found: 0, error: 0 }
  let syncing: Promise<boolean> | undefined
  let timer: NodeJS.Timeout | undefined
  let closed = false

  const live = createLiveLookup({
    client,
    logger,
    clock,
    negativeTtlMs: (options.negativeCacheTtlSec ?? 30) * 1000,
    errorTtlMs: ERROR_TTL_MS,
    overlayTtlMs: syncEnabled ? Infinity : intervalMs,
    maxConcurrent: MAX_LIVE_LOOKUPS,
    onResult: (result) => {
      liveLookups[result]++
      emit({ type: 'live_lookup', result })
    },
  })

  const runSync = async (): Promise<boolean> => {
    const started = performance.now()
    try {
      const built = await source.bulkSnapshot(logger, snapshot)
      if (closed) return false
      // All four calls succeeded: swap in one assignment, so readers see the old or the new snapshot (SMD-7).
      // When SMD changed nothing the new table equals the one being served byte for byte: that one is kept and
      // the generation stays, so the documents rendered and cached for it stay valid (OPS-7: a periodic sync of
      // 100k nodes must not invalidate every cached document).
      const changed = !sameNodeTableData(built.data, snapshot.data)
      const next = changed ? built : snapshot
      snapshot = next
      if (live.clearOverlay() || changed) generation++
      lastSuccessAt = clock.now()
      lastError = undefined
      syncSuccesses++
      lastSyncDurationMs = performance.now() - started
      logger.info('SMD sync done', { nodes: next.size, ips: next.addresses, ms: Math.round(lastSyncDurationMs) })
      emit({ type: 'sync', ok: true, durationMs: lastSyncDurationMs })
      return true
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err)
      syncFailures++
      lastSyncDurationMs = performance.now() - started
      logger.warn('SMD sync failed; keeping the previous snapshot', { error: lastError, failures: syncFailures })
      emit({ type: 'sync', ok: false, durationMs: lastSyncDurationMs })
      return false
    }
  }

  const syncNow = (): Promise<boolean> => {
    syncing ??= runSync().finally(() => {
      syncing = undefined
    })
    return syncing
  }

  const schedule = (delayMs: number, firstRetryMs: number | undefined): void => {
    if (closed) return
    timer = setTimeout(() => {
      void syncNow().then((ok) => {
        // Until the first success, retry from 1 s doubling, capped at the interval (SMD-8).
        if (ok || lastSuccessAt !== undefined || firstRetryMs === undefined) schedule(intervalMs, undefined)
        else schedule(firstRetryMs, Math.min(firstRetryMs * 2, intervalMs))
      })
    }, delayMs)
    timer.unref()
  }

  const isStale = (): boolean =>
    syncEnabled && lastSuccessAt !== undefined && clock.now() - lastSuccessAt > 2 * intervalMs

  return {
    async resolve(address) {
      const key = addressKey(address)
      const hit = snapshot.owner(key)
      if (hit) return hit
      return live.byIp(key)
    },

    async node(xname): Promise<InventoryNode | undefined> {
      const hit = snapshot.node(xname)
      if (hit) return hit
      // After a successful sync the snapshot lists every component; before one (or without sync) ask SMD.
      if (syncEnabled && lastSuccessAt !== undefined) return undefined
      return live.byXname(xname)
    },

    nodes: () => snapshot.nodes(),

    snapshotTable: () => snapshot,

    generation: () => generation,

    health(): InventoryHealth {
      return {
        ready: !syncEnabled || lastSuccessAt !== undefined,
        stale: isStale(),
        ...(lastSuccessAt !== undefined ? { lastSuccessAt } : {}),
        ...(lastError !== undefined ? { lastError } : {}),
        nodes: snapshot.size,
        ips: snapshot.addresses,
      }
    },

    stats(): InventoryStats {
      return {
        syncSuccesses,
        syncFailures,
        lastSyncDurationMs,
        lastSuccessAt,
        syncAgeSec: lastSuccessAt === undefined ? undefined : (clock.now() - lastSuccessAt) / 1000,
        stale: isStale(),
        nodes: snapshot.size,
        ips: snapshot.addresses,
        liveLookups: { ...liveLookups },
      }
    },

    syncNow,

    async start() {
      if (!syncEnabled || closed || timer !== undefined) return
      if (lastSuccessAt !== undefined) schedule(intervalMs, undefined)
      else schedule(0, Math.min(FIRST_RETRY_MS, intervalMs))
    },

    async close() {
      closed = true
      if (timer !== undefined) clearTimeout(timer)
      await syncing
      await options.syncSource?.close?.()
    },
  }
}
