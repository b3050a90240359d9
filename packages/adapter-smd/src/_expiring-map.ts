// Hand-written on purpose (issue 17), kept for properties lru-cache (isaacs) lacks, checked against lru-cache 11.5
// with `perf: clock, ttlResolution: 0`: an entry is gone at exactly its TTL on the injected Clock (SMD-12 pins the
// error cache as still there at 4,999 ms and gone at 5,000; lru-cache expires at `now - start > ttl`, one
// millisecond later), a clock reading of 0 is a time like any other (lru-cache takes a start of 0 as "no TTL", so
// the entry would never expire), and the map needs no count cap (lru-cache without `max`/`maxSize` warns
// LRU_CACHE_UNBOUNDED; here expired entries are swept as the map doubles). `expiring-map.test.ts` pins all three.
import type { Clock } from '@metadata-service/core'

/**
 * A Map whose entries expire. Expired entries read as absent and are swept when the map has doubled since the
 * last sweep, so a client spraying unknown addresses cannot grow it without bound (SMD-12).
 */
export class ExpiringMap<V> {
  readonly #entries = new Map<string, { readonly value: V; readonly until: number }>()
  readonly #clock: Clock
  #sweepAt = 1024

  constructor(clock: Clock) {
    this.#clock = clock
  }

  /** The live value, or `undefined`. */
  get(key: string): V | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (entry.until > this.#clock.now()) return entry.value
    this.#entries.delete(key)
    return undefined
  }

  /** Stores `value` for `ttlMs` milliseconds (`Infinity`: until cleared). */
  set(key: string, value: V, ttlMs: number): void {
    this.#entries.set(key, { value, until: this.#clock.now() + ttlMs })
    if (this.#entries.size >= this.#sweepAt) this.#sweep()
  }

  clear(): void {
    this.#entries.clear()
  }

  get size(): number {
    return this.#entries.size
  }

  #sweep(): void {
    const now = this.#clock.now()
    for (const [key, entry] of this.#entries) if (entry.until <= now) this.#entries.delete(key)
    this.#sweepAt = Math.max(1024, this.#entries.size * 2)
  }
}
