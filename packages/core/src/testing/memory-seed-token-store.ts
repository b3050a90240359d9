import { MetadataError } from '../errors.js'
import type { SeedTokenState, SeedTokenStore } from '../ports/seed-token-store.js'
import { generateSeedSecret } from '../seed-tokens/seed-token.js'
import { initialSeedState, rotateAllIn, rotateNodesIn } from '../seed-tokens/seed-state.js'
import { createSeedSubscribers, seedStoreClosed } from '../seed-tokens/seed-subscribers.js'

/** A {@link SeedTokenStore} that also takes a failure for its next rotation. */
export interface MemorySeedTokenStore extends SeedTokenStore {
  /** The next rotation rejects with STORAGE_FAILED and changes nothing. */
  failNext(): void
}

/**
 * An in-memory {@link SeedTokenStore} for tests: a fresh random secret (or `secret`), every epoch at 0, nothing
 * persisted. Passes `describeSeedTokenStore`.
 */
export function createMemorySeedTokenStore(options: { secret?: Uint8Array } = {}): MemorySeedTokenStore {
  let state = initialSeedState(options.secret ?? generateSeedSecret())
  let closed = false
  let failing = false
  const listeners = createSeedSubscribers()
  const change = async (next: (current: SeedTokenState) => SeedTokenState): Promise<SeedTokenState> => {
    if (closed) throw seedStoreClosed()
    if (failing) {
      failing = false
      throw new MetadataError('STORAGE_FAILED', 'cannot rotate seed tokens: injected failure')
    }
    const after = next(state)
    if (after === state) return state
    state = after
    listeners.publish(state)
    return state
  }
  return {
    current: () => state,
    rotateNodes: (xnames) => change((current) => rotateNodesIn(current, xnames)),
    rotateAll: () => change(rotateAllIn),
    subscribe: listeners.subscribe,
    failNext() {
      failing = true
    },
    async close() {
      closed = true
      listeners.clear()
    },
  }
}
