import { MetadataError } from '../errors.js'
import type { TokenHealth, TokenMode, TokenSource, TokenStats } from '../ports/token-source.js'

/** Options of {@link createFakeTokenSource}. */
export interface FakeTokenSourceOptions {
  /** Default `static`. */
  readonly mode?: TokenMode
  /**
   * Tokens handed out in order: the first by `token()`, the next one after each `refreshAfterRejection` (the last
   * one repeats). Default `['fake-token']`; `[]` means no token (static mode without `SMD_JWT`/`SMD_TOKEN`).
   */
  readonly tokens?: readonly string[]
}

/** A {@link TokenSource} for tests, with call counters and a switch to make it unhealthy (TOK-9). */
export interface FakeTokenSource extends TokenSource {
  readonly calls: { token: number; refreshAfterRejection: number }
  /** From now on every call rejects with `dynamic TokenSmith auth unhealthy: <reason>`, and health says so. */
  setUnhealthy(reason: string): void
}

/**
 * An in-memory token source. In `static` mode `refreshAfterRejection` resolves `undefined` and changes nothing
 * (SMD-13); in dynamic modes it moves to the next token, counted in `stats().refreshes` (or, while unhealthy, in
 * `refreshFailures`).
 */
export function createFakeTokenSource(options: FakeTokenSourceOptions = {}): FakeTokenSource {
  const mode = options.mode ?? 'static'
  const tokens = options.tokens ?? ['fake-token']
  const calls = { token: 0, refreshAfterRejection: 0 }
  let index = 0
  let reason: string | undefined
  // Dynamic modes: refreshes after a rejection that moved on, and those refused while unhealthy.
  let refreshes = 0
  let refreshFailures = 0

  const current = (): string | undefined => tokens[Math.min(index, tokens.length - 1)]
  const check = (): void => {
    if (reason !== undefined) throw new MetadataError('TOKEN_UNAVAILABLE', `dynamic TokenSmith auth unhealthy: ${reason}`)
  }

  return {
    mode,
    calls,
    async token() {
      calls.token += 1
      check()
      return current()
    },
    async refreshAfterRejection() {
      calls.refreshAfterRejection += 1
      if (reason !== undefined && mode !== 'static') refreshFailures += 1
      check()
      if (mode === 'static') return undefined
      index += 1
      refreshes += 1
      return current()
    },
    health(): TokenHealth {
      return reason === undefined ? { healthy: true } : { healthy: false, reason: `dynamic TokenSmith auth unhealthy: ${reason}` }
    },
    stats: (): TokenStats => ({ refreshes, refreshFailures }),
    setUnhealthy(next) {
      reason = next
    },
    async close() {},
  }
}
