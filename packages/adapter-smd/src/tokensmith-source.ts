import { Agent, type Dispatcher } from 'undici'
import {
  redactUrlCredentials,
  MetadataError,
  silentLogger,
  systemClock,
  type Clock,
  type Logger,
  type TokenHealth,
  type TokenSource,
} from '@metadata-service/core'
import { RetriesExhausted, TOK7_POLICY, realSleep, withRetries, type RetryPolicy } from './_retry.js'
import { TokenSmithError, createTokenSmithClient, type TokenGrant } from './tokensmith-client.js'
import { parseTokenSmithScopes } from './token-source.js'

/** Options of {@link createTokenSmithSource}. */
export interface TokenSmithSourceOptions {
  /** `tokensmith_url`. */
  readonly url: string
  readonly mode: 'mtls' | 'bootstrap'
  /** mTLS client certificate, key and CA (PEM contents, as read by `selectTokenMode`). Without `ca`: system roots. */
  readonly cert?: string | Buffer
  readonly key?: string | Buffer
  readonly ca?: string | Buffer
  /** The single-use bootstrap token (TOK-4). */
  readonly bootstrapToken?: string
  /** `tokensmith_target_service`; default `smd`. */
  readonly targetService?: string
  /** `tokensmith_scopes`: a comma-separated string or a list (TOK-10). */
  readonly scopes?: string | readonly string[]
  /** Refresh when less than this many seconds remain (`tokensmith_refresh_skew_sec`); default 300. */
  readonly refreshSkewSec?: number
  readonly logger?: Logger
  readonly clock?: Clock
  /** Replaces the transport (tests). By default mTLS mode builds an Agent with the certificate, TLS ≥1.2. */
  readonly dispatcher?: Dispatcher
  /** Backoff sleep; injectable so tests do not wait (TOK-7). */
  readonly sleep?: (ms: number) => Promise<void>
  /** Deadline per attempt, ms; default 10,000 (TOK-7). */
  readonly attemptTimeoutMs?: number
  /** How often the background check runs, ms; default 60,000 (TOK-6). */
  readonly checkIntervalMs?: number
  /** Sent as `User-Agent: metadata-service/<version>`. */
  readonly userAgentVersion?: string
}

/** A dynamic {@link TokenSource} with the startup exchange of TOK-8. */
export interface TokenSmithSource extends TokenSource {
  /**
   * Opens the session (mTLS) or exchanges the bootstrap token, with TOK-7 retries. Must complete before the
   * server listens. Rejects with `MetadataError('TOKEN_UNAVAILABLE', '<action> via <endpoint URL> failed after
   * <n> attempts: <last error>')`.
   */
  init(): Promise<void>
}

/**
 * The TokenSmith token source (TOK-3..TOK-9): short-lived SMD tokens, refreshed when less than the skew remains
 * (checked before every SMD request and every 60 s), single-flight, rotating the refresh token. When retries run
 * out it becomes unhealthy for good and every call rejects; there is no static fallback (SEC-7).
 */
export function createTokenSmithSource(options: TokenSmithSourceOptions): TokenSmithSource {
  const { mode } = options
  const logger = options.logger ?? silentLogger
  const clock = options.clock ?? systemClock
  const skewMs = (options.refreshSkewSec ?? 300) * 1000
  const ownAgent =
    options.dispatcher === undefined && mode === 'mtls'
      ? new Agent({
          connect: {
            cert: options.cert,
            key: options.key,
            minVersion: 'TLSv1.2',
            ...(options.ca !== undefined ? { ca: options.ca } : {}),
          },
        })
      : undefined
  const client = createTokenSmithClient({
    url: options.url,
    dispatcher: options.dispatcher ?? ownAgent,
    timeoutMs: options.attemptTimeoutMs ?? 10_000,
    targetService: options.targetService ?? 'smd',
    scopes: parseTokenSmithScopes(options.scopes),
    userAgent: `metadata-service/${options.userAgentVersion ?? '0.0.0'}`,
  })

  let access: { readonly token: string; readonly expiresAt: number } | undefined
  let refresh: { readonly token: string; readonly expiresAt: number } | undefined
  let bootstrapToken = options.bootstrapToken?.trim() || undefined
  let failure: string | undefined
  let renewing: Promise<void> | undefined
  let timer: NodeJS.Timeout | undefined
  let refreshes = 0
  let refreshFailures = 0

  const policy: RetryPolicy = {
    ...TOK7_POLICY,
    sleep: options.sleep ?? realSleep,
    onAttemptFailed: () => {
      refreshFailures++
    },
  }

  const adopt = (grant: TokenGrant): void => {
    const now = clock.now()
    access = { token: grant.accessToken, expiresAt: now + grant.expiresInSec * 1000 }
    // The new refresh token replaces the old one (TOK-6 rotation).
    refresh = { token: grant.refreshToken, expiresAt: now + grant.refreshExpiresInSec * 1000 }
  }

  const unhealthy = (): MetadataError =>
    new MetadataError('TOKEN_UNAVAILABLE', `dynamic TokenSmith auth unhealthy: ${failure ?? 'not initialised'}`)

  const openSession = () => withRetries('service identity session', client.sessionUrl, policy, () => client.openSession())
  const refreshGrant = (token: string) =>
    withRetries('service token refresh', client.tokenUrl, policy, () => client.refresh(token))

  const doRenew = async (): Promise<void> => {
    const current = refresh
    const expired = current !== undefined && current.expiresAt <= clock.now()
    if (mode === 'mtls') {
      // mTLS can always prove itself again: a missing or expired refresh token, or invalid_grant, opens a new
      // session instead of failing (TOK-6, deliberate).
      if (current === undefined || expired) return adopt(await openSession())
      try {
        adopt(await refreshGrant(current.token))
      } catch (err) {
        if (!(err instanceof RetriesExhausted && err.last instanceof TokenSmithError && err.last.invalidGrant)) throw err
        logger.info('TokenSmith refused the refresh token (invalid_grant); opening a new service identity session')
        adopt(await openSession())
      }
      return
    }
    // Bootstrap mode cannot re-authenticate: the bootstrap token was single-use (TOK-4).
    if (current === undefined) throw new Error('missing refresh token')
    if (expired) throw new Error('refresh token expired')
    adopt(await refreshGrant(current.token))
  }

  const renew = (): Promise<void> => {
    renewing ??= doRenew()
      .then(() => {
        refreshes++
        logger.debug('TokenSmith token refreshed', { mode, expiresAt: access?.expiresAt })
      })
      .catch((err: unknown) => {
        failure = (err as Error).message
        logger.error('TokenSmith auth unhealthy; SMD calls fail closed until restart', { mode, reason: failure })
        throw unhealthy()
      })
      .finally(() => {
        renewing = undefined
      })
    return renewing
  }

  const due = (): boolean => access === undefined || access.expiresAt - clock.now() < skewMs

  return {
    mode,

    async init() {
      try {
        if (mode === 'mtls') {
          adopt(await openSession())
        } else {
          const token = bootstrapToken
          if (token === undefined) throw new Error('bootstrap token exchange: no bootstrap token configured')
          adopt(await withRetries('bootstrap token exchange', client.tokenUrl, policy, () => client.exchangeBootstrap(token)))
          bootstrapToken = undefined // single-use (TOK-4)
        }
      } catch (err) {
        failure = (err as Error).message
        throw new MetadataError('TOKEN_UNAVAILABLE', failure, { cause: err })
      }
      logger.info('TokenSmith auth ready', { mode, url: redactUrlCredentials(options.url) })
      timer = setInterval(() => {
        if (failure === undefined && due()) renew().catch(() => {})
      }, options.checkIntervalMs ?? 60_000)
      timer.unref()
    },

    async token() {
      if (failure !== undefined || access === undefined) throw unhealthy()
      if (due()) await renew()
      return access.token
    },

    async refreshAfterRejection(rejected) {
      if (failure !== undefined || access === undefined) throw unhealthy()
      // Another request already replaced the rejected token: use the new one rather than refreshing again.
      if (rejected !== undefined && access.token !== rejected && renewing === undefined) return access.token
      await renew()
      return access.token
    },

    health(): TokenHealth {
      if (failure !== undefined || access === undefined) return { healthy: false, reason: unhealthy().message }
      return { healthy: true, expiresAt: access.expiresAt }
    },

    stats: () => ({ refreshes, refreshFailures }),

    async close() {
      if (timer !== undefined) clearInterval(timer)
      await ownAgent?.close()
    },
  }
}
