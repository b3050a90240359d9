import { walkInSlices, type SliceOptions } from '../_internal/slices.js'
import type { SeedTokenState } from '../ports/seed-token-store.js'
import { deriveSeedToken, nodeEpochOf, sameSeedSecret, seedTokenDigest } from './seed-token.js'

/** What the token index is built from. */
export interface SeedTokenIndexSource {
  /** The current seed state (read at the start of every pass). */
  state(): SeedTokenState
  /** Every node's xname in the current inventory snapshot. */
  xnames(): Iterable<string>
  /** The inventory generation; a change means the node set may have changed. */
  generation(): number
}

/** Options of {@link createSeedTokenIndex}: how its passes yield the event loop (slices of 4 ms by default). */
export type SeedTokenIndexOptions = SliceOptions

/**
 * The map from a token to its node, so a request finds its node without a per-node scan: one hash and one map
 * lookup (SEED). Keyed by the token's SHA-256 ({@link seedTokenDigest}), never the token itself.
 */
export interface SeedTokenIndex {
  /** The xname whose token had this digest when the index was last built, or `undefined`. */
  find(digest: string): string | undefined
  /** True when the last build was for the current state object and inventory generation. */
  isCurrent(): boolean
  /**
   * Brings the index up to date, in slices of about `sliceMs` (yielding between them), recomputing only the tokens
   * whose inputs changed (new nodes, rotated nodes; everything after the secret or the global epoch changed).
   * Concurrent callers share one build. Resolves once a pass ends current, or after three passes when the inputs
   * keep changing meanwhile (lookups stay correct: every hit is checked against a freshly derived token).
   */
  update(): Promise<void>
  /** Nodes in the index. */
  size(): number
  /** Passes run since creation, and tokens derived by them (for tests and metrics). */
  stats(): { readonly passes: number; readonly derived: number }
}

/** Creates an empty {@link SeedTokenIndex}; call `update()` (or let a lookup miss do it) to fill it. */
export function createSeedTokenIndex(source: SeedTokenIndexSource, options: SeedTokenIndexOptions = {}): SeedTokenIndex {
  let byXname = new Map<string, Entry>()
  let byDigest = new Map<string, string>()
  let builtFor: { state: SeedTokenState; generation: number } | undefined
  let pending: Promise<void> | undefined
  const counters = { passes: 0, derived: 0 }

  const isCurrent = (): boolean => builtFor !== undefined && builtFor.state === source.state() && builtFor.generation === source.generation()

  /** One full pass over the inventory; swaps the maps in at its end. */
  const pass = async (): Promise<void> => {
    const state = source.state()
    const generation = source.generation()
    const previous = builtFor?.state
    // Every token changes with the secret or the global epoch; otherwise only rotated or new nodes need work.
    const reuse = previous !== undefined && previous.globalEpoch === state.globalEpoch && sameSeedSecret(previous.secret, state.secret)
    const old = byXname
    const nextByXname = new Map<string, Entry>()
    const nextByDigest = new Map<string, string>()
    const visit = (xname: string): void => {
      const epoch = nodeEpochOf(state, xname)
      let entry = reuse ? old.get(xname) : undefined
      if (entry === undefined || entry.nodeEpoch !== epoch) {
        entry = { digest: seedTokenDigest(deriveSeedToken(state, xname)), nodeEpoch: epoch }
        counters.derived += 1
      }
      nextByXname.set(xname, entry)
      nextByDigest.set(entry.digest, xname)
    }
    await walkInSlices(source.xnames(), visit, options)
    byXname = nextByXname
    byDigest = nextByDigest
    builtFor = { state, generation }
    counters.passes += 1
  }

  const update = (): Promise<void> => {
    if (pending !== undefined) return pending
    if (isCurrent()) return Promise.resolve()
    const run = async (): Promise<void> => {
      for (let i = 0; i < 3 && !isCurrent(); i++) await pass()
    }
    const started = run().finally(() => {
      if (pending === started) pending = undefined
    })
    pending = started
    return started
  }

  return {
    find: (digest) => byDigest.get(digest),
    isCurrent,
    update,
    size: () => byXname.size,
    stats: () => ({ ...counters }),
  }
}

// --- internal ---

/** A node's token digest and the node epoch it was derived at (the secret and global epoch are the build's). */
interface Entry {
  readonly digest: string
  readonly nodeEpoch: number
}
