import { MetadataError } from '../errors.js'
import type { SeedTokenState } from '../ports/seed-token-store.js'

/**
 * The subscribers of a `SeedTokenStore` (SEED): what every implementation (files, PostgreSQL, a worker's
 * replica, the memory fake) does with them, in one place.
 */
export interface SeedSubscribers {
  /** The port's `subscribe`: `listener` hears every {@link publish} until the returned function is called. */
  subscribe(listener: (state: SeedTokenState) => void): () => void
  /** Tells every subscriber of `state`, in the order they subscribed. */
  publish(state: SeedTokenState): void
  /** Forgets every subscriber (the store's `close`). */
  clear(): void
}

/** Creates an empty {@link SeedSubscribers}; its methods may be passed around unbound. */
export function createSeedSubscribers(): SeedSubscribers {
  const listeners = new Set<(state: SeedTokenState) => void>()
  return {
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    publish(state) {
      for (const listener of listeners) listener(state)
    },
    clear: () => listeners.clear(),
  }
}

/** The rejection of a rotation on a closed `SeedTokenStore` (STORAGE_FAILED, the port's `close`). */
export function seedStoreClosed(): MetadataError {
  return new MetadataError('STORAGE_FAILED', 'cannot rotate seed tokens: the store is closed')
}
