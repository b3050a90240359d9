// Live lookups on a snapshot miss (SMD-11), the overlay that keeps their results, and the negative cache
// (SMD-12). Single-flight per key; at most `maxConcurrent` in flight, beyond which callers get a 503 at once.
import {
  addressKey,
  MetadataError,
  isMetadataError,
  type Clock,
  type InventoryLookupResult,
  type InventoryNode,
  type Logger,
} from '@metadata-service/core'
import { ExpiringMap } from './_expiring-map.js'
import type { SmdClient } from './smd-client.js'
import { buildSnapshot } from './snapshot.js'

export interface LiveLookupOptions {
  readonly client: SmdClient
  readonly logger: Logger
  readonly clock: Clock
  /** How long "not found" is remembered (`smd_negative_cache_ttl`), ms. */
  readonly negativeTtlMs: number
  /** How long an error is remembered, ms (SMD-12: 5 s). */
  readonly errorTtlMs: number
  /** How long a found node stays in the overlay, ms: `Infinity` (until the next sync) or the SMD-10 interval. */
  readonly overlayTtlMs: number
  /** SMD-11: 8. */
  readonly maxConcurrent: number
  readonly onResult: (result: InventoryLookupResult) => void
}

type Negative = { readonly kind: 'not_found' } | { readonly kind: 'error'; readonly error: MetadataError }

export interface LiveLookup {
  /** Overlay, then negative cache, then one live lookup of `ip` (a canonical address, see core's `addressKey`). */
  byIp(ip: string): Promise<InventoryNode | undefined>
  /** Overlay, then negative cache, then the four per-node calls for `xname`. */
  byXname(xname: string): Promise<InventoryNode | undefined>
  /**
   * Forgets found nodes (after a successful sync); the negative cache stays. Returns whether there were any
   * (expired entries may count), i.e. whether what `byIp`/`byXname` answer may have changed.
   */
  clearOverlay(): boolean
}

/**
 * The live-lookup machinery of the SMD inventory. "Not found" resolves `undefined`; any failure rejects with
 * `MetadataError('INVENTORY_UNAVAILABLE')` (the original error as its cause), as does a lookup beyond the cap.
 */
export function createLiveLookup(o: LiveLookupOptions): LiveLookup {
  const overlayByIp = new ExpiringMap<InventoryNode>(o.clock)
  const overlayByXname = new ExpiringMap<InventoryNode>(o.clock)
  const negative = new ExpiringMap<Negative>(o.clock)
  const flights = new Map<string, Promise<InventoryNode | undefined>>()

  const remember = (node: InventoryNode, extraIp?: string): void => {
    overlayByXname.set(node.xname, node, o.overlayTtlMs)
    const ips = node.interfaces.flatMap((i) => i.ipAddresses.map((a) => a.ip))
    if (node.componentIp) ips.push(node.componentIp)
    if (extraIp !== undefined) ips.push(extraIp)
    for (const ip of ips) if (ip !== '') overlayByIp.set(addressKey(ip), node, o.overlayTtlMs)
  }

  const fetchNode = async (xname: string): Promise<InventoryNode | undefined> => {
    const records = await o.client.nodeRecords(xname)
    return records && buildSnapshot(records, o.logger).node(xname)
  }

  /** Runs `work` once per key at a time, under the concurrency cap, caching its outcome. */
  const flight = (key: string, work: () => Promise<InventoryNode | undefined>): Promise<InventoryNode | undefined> => {
    const known = negative.get(key)
    if (known?.kind === 'not_found') return Promise.resolve(undefined)
    if (known?.kind === 'error') return Promise.reject(known.error)
    const running = flights.get(key)
    if (running) return running
    if (flights.size >= o.maxConcurrent) {
      return Promise.reject(new MetadataError('INVENTORY_UNAVAILABLE', 'too many live SMD lookups in flight'))
    }
    const p = work().then(
      (node) => {
        if (node === undefined) {
          negative.set(key, { kind: 'not_found' }, o.negativeTtlMs)
          o.onResult('not_found')
        } else {
          o.onResult('found')
        }
        return node
      },
      (err: unknown) => {
        if (isMetadataError(err, 'NODE_NOT_FOUND')) {
          negative.set(key, { kind: 'not_found' }, o.negativeTtlMs)
          o.onResult('not_found')
          return undefined
        }
        const error = asUnavailable(err)
        negative.set(key, { kind: 'error', error }, o.errorTtlMs)
        o.onResult('error')
        o.logger.warn('SMD live lookup failed', { key, error: error.message })
        throw error
      },
    )
    flights.set(key, p)
    const done = () => flights.delete(key)
    p.then(done, done)
    return p
  }

  return {
    byIp(ip) {
      const cached = overlayByIp.get(ip)
      if (cached) return Promise.resolve(cached)
      return flight(`ip:${ip}`, async () => {
        const xname = await o.client.componentIdForIp(ip)
        const node = await fetchNode(xname)
        if (node) remember(node, ip)
        return node
      })
    },
    byXname(xname) {
      const cached = overlayByXname.get(xname)
      if (cached) return Promise.resolve(cached)
      return flight(`xname:${xname}`, async () => {
        const node = await fetchNode(xname)
        if (node) remember(node)
        return node
      })
    },
    clearOverlay() {
      const had = overlayByIp.size > 0 || overlayByXname.size > 0
      overlayByIp.clear()
      overlayByXname.clear()
      return had
    },
  }
}

/** The port promises INVENTORY_UNAVAILABLE for any failure to answer (ID-4); the original stays as the cause. */
function asUnavailable(err: unknown): MetadataError {
  if (isMetadataError(err, 'INVENTORY_UNAVAILABLE')) return err
  const message = err instanceof Error ? err.message : String(err)
  return new MetadataError('INVENTORY_UNAVAILABLE', message, { cause: err })
}
