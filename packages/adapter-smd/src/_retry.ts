import { redactUrlCredentials } from '@metadata-service/core'
import { TokenSmithError } from './tokensmith-client.js'
// Hand-written on purpose (issue 17), kept for a property both candidates lack: the backoff sleep is injected
// (`RetryPolicy.sleep`), so the TOK-7 tests check the 1, 2, 4, 8 s schedule without waiting it out. p-retry (7.1;
// 8 and later need Node 22) and exponential-backoff (3.1) wait with their own setTimeout. With either, the TOK-7
// message and the stop on invalid_grant would still be written here; the loop itself is a dozen lines.

/** How TOK-7 retries: 5 attempts, backoff from 1 s doubling, capped at 15 s. */
export interface RetryPolicy {
  readonly attempts: number
  readonly firstDelayMs: number
  readonly maxDelayMs: number
  /** Waits `ms` milliseconds; injectable so tests do not sleep. */
  readonly sleep: (ms: number) => Promise<void>
  /** Called after every failed attempt (metrics). */
  readonly onAttemptFailed?: (err: unknown) => void
}

/** The TOK-7 numbers. */
export const TOK7_POLICY: Omit<RetryPolicy, 'sleep'> = { attempts: 5, firstDelayMs: 1_000, maxDelayMs: 15_000 }

/** A real sleep. */
export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** The retries ran out, or an attempt failed in a way retrying cannot fix (`invalid_grant`). */
export class RetriesExhausted extends Error {
  override readonly name = 'RetriesExhausted'
  constructor(
    message: string,
    readonly last: unknown,
  ) {
    super(message, { cause: last })
  }
}

/**
 * Runs `attempt` until it succeeds or `policy.attempts` have failed. An `invalid_grant` stops at once. The
 * final error reads `<action> via <endpoint URL> failed after <n> attempts: <last error>` (TOK-7), the URL without
 * its password (it reaches `/health`, logs and 503 bodies: SPEC §16 Secrets).
 */
export async function withRetries<T>(
  action: string,
  endpoint: string,
  policy: RetryPolicy,
  attempt: () => Promise<T>,
): Promise<T> {
  let delay = policy.firstDelayMs
  for (let n = 1; ; n++) {
    try {
      return await attempt()
    } catch (err) {
      policy.onAttemptFailed?.(err)
      const stop = n >= policy.attempts || (err instanceof TokenSmithError && err.invalidGrant)
      if (stop) {
        const via = redactUrlCredentials(endpoint)
        throw new RetriesExhausted(`${action} via ${via} failed after ${n} attempts: ${(err as Error).message}`, err)
      }
      await policy.sleep(delay)
      delay = Math.min(delay * 2, policy.maxDelayMs)
    }
  }
}
