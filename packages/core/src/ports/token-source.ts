/** How SMD bearer tokens are obtained (TOK-1). */
export type TokenMode = 'static' | 'mtls' | 'bootstrap'

/** Health of a token source (TOK-9). */
export interface TokenHealth {
  readonly healthy: boolean
  /** Set when unhealthy: `dynamic TokenSmith auth unhealthy: <reason>`. */
  readonly reason?: string
  /** Unix ms when the current access token expires (dynamic modes). */
  readonly expiresAt?: number
}

/** A token source's counters for `/metrics` (SVC-4 `metadata_service_tokensmith_*`), read on a scrape only. */
export interface TokenStats {
  /** Successful TokenSmith renewals; always 0 in static mode. */
  readonly refreshes: number
  /** Failed TokenSmith attempts (TOK-7); always 0 in static mode. */
  readonly refreshFailures: number
}

/**
 * Supplies the bearer token for SMD requests. Implemented by `@metadata-service/adapter-smd` (static and
 * TokenSmith); `createFakeTokenSource()` in `@metadata-service/core/testing` for tests.
 */
export interface TokenSource {
  readonly mode: TokenMode
  /**
   * The token to send, or `undefined` when none is configured (static mode without a token). Refreshes first
   * when due (TOK-6). Rejects with `MetadataError('TOKEN_UNAVAILABLE')` when dynamic auth is unhealthy.
   */
  token(): Promise<string | undefined>
  /**
   * Called after SMD answered 401 with `rejected`: refreshes once (single-flight) and returns the new token
   * (SMD-13). Static mode returns `undefined`. Rejects with TOKEN_UNAVAILABLE.
   */
  refreshAfterRejection(rejected: string | undefined): Promise<string | undefined>
  health(): TokenHealth
  /** Counters for `/metrics`, read on a scrape only; required of every implementation (static: zeros). */
  stats(): TokenStats
  /** Stops background refresh. */
  close(): Promise<void>
}
