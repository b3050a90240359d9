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
  /** Stops background refresh. */
  close(): Promise<void>
}
