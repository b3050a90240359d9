/**
 * What every seed token derives from (SPEC §16 "Seed tokens", docs/spec-addendum.md SEED): the server secret and
 * the rotation epochs. Immutable: a store hands out a new object after each change, so `!==` means "changed".
 */
export interface SeedTokenState {
  /** The server secret, 32 bytes, created once and never changed by the service. Never logged or sent (SEC-4). */
  readonly secret: Uint8Array
  /** Bumped by "rotate all": every token changes. Starts at 0. */
  readonly globalEpoch: number
  /** Per-node epochs, bumped by rotating that node; a node not listed is at 0. */
  readonly nodeEpochs: ReadonlyMap<string, number>
}

/**
 * Keeps the {@link SeedTokenState} durable and shared, so every process and replica serving one cluster derives the
 * same tokens. Implemented by `@metadata-service/adapter-fs` (`<data_dir>/seed-tokens/`, the secret `0600` like the
 * WireGuard key), `@metadata-service/adapter-postgres` (rows written once with create-if-absent, shared by every
 * replica), `@metadata-service/adapter-cluster` (a worker's copy of its primary's) and, for tests,
 * `createMemorySeedTokenStore()` in `@metadata-service/core/testing`; all pass `describeSeedTokenStore`.
 *
 * The secret exists from the moment the store is opened (created then when absent, by whichever process or
 * replica comes first; the others read that one). Epochs only ever grow: a rotated token never comes back.
 * Rejections are `MetadataError('STORAGE_FAILED')` with a message in words (no server paths, no secret).
 */
export interface SeedTokenStore {
  /** The current state, from memory. */
  current(): SeedTokenState
  /**
   * Adds one to the epoch of each xname (duplicates count once), durably; resolves with the state after it.
   * Another replica's concurrent rotation is never lost (each adds one to what is stored).
   */
  rotateNodes(xnames: readonly string[]): Promise<SeedTokenState>
  /** Adds one to the global epoch, durably; resolves with the state after it. */
  rotateAll(): Promise<SeedTokenState>
  /**
   * Calls `listener` with the new state after every change, this process's own and (for shared stores) another
   * replica's once it is heard of. Returns an unsubscribe function.
   */
  subscribe(listener: (state: SeedTokenState) => void): () => void
  /** Releases connections; idempotent. Later rotations reject with STORAGE_FAILED. */
  close(): Promise<void>
}
