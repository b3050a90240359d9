import { readFile } from 'node:fs/promises'
import { MetadataError, silentLogger, type Logger, type TokenSource } from '@metadata-service/core'

/** SMD-1 startup error, exact. */
export const SMD_URL_REQUIRED_MESSAGE = 'SMD_URL is required unless --mock-smd is set'

/** TOK-1 startup error, exact. */
export const TOKENSMITH_AUTH_REQUIRED_MESSAGE =
  'tokensmith_url is set but dynamic auth requires one of: readable tokensmith_service_identity_cert and tokensmith_service_identity_key, or tokensmith_bootstrap_token'

/** Options of {@link createStaticTokenSource}: the raw `SMD_JWT` / `SMD_TOKEN` values. */
export interface StaticTokenOptions {
  readonly jwt?: string | undefined
  readonly token?: string | undefined
  readonly logger?: Logger
}

/**
 * TOK-2: `SMD_JWT`, else `SMD_TOKEN`, trimmed; no token (no `Authorization` header) when both are empty.
 * Always healthy, with no refreshes to count; a 401 is not retried (SMD-13), so `refreshAfterRejection` resolves
 * `undefined`.
 */
export function createStaticTokenSource(options: StaticTokenOptions = {}): TokenSource {
  const token = options.jwt?.trim() || options.token?.trim() || undefined
  ;(options.logger ?? silentLogger).debug('SMD auth: static', { token: token === undefined ? 'none' : '***' })
  return {
    mode: 'static',
    token: async () => token,
    refreshAfterRejection: async () => undefined,
    health: () => ({ healthy: true }),
    stats: () => ({ refreshes: 0, refreshFailures: 0 }),
    close: async () => {},
  }
}

/** The TOK-1 inputs, named as the config keys (CFG). Empty strings count as unset. */
export interface TokenModeConfig {
  readonly tokensmith_url?: string | undefined
  readonly tokensmith_service_identity_cert?: string | undefined
  readonly tokensmith_service_identity_key?: string | undefined
  readonly tokensmith_service_identity_ca?: string | undefined
  readonly tokensmith_bootstrap_token?: string | undefined
}

/** The outcome of {@link selectTokenMode}: what `createTokenSmithSource` needs, files already read. */
export type TokenModeSelection =
  | { readonly mode: 'static' }
  | { readonly mode: 'mtls'; readonly url: string; readonly cert: Buffer; readonly key: Buffer; readonly ca?: Buffer }
  | { readonly mode: 'bootstrap'; readonly url: string; readonly bootstrapToken: string }

/**
 * TOK-1: static without `tokensmith_url`; with it, mTLS when the certificate and key are both set and readable
 * (even if empty), else bootstrap when a bootstrap token is set, else rejects with
 * `MetadataError('TOKEN_UNAVAILABLE', TOKENSMITH_AUTH_REQUIRED_MESSAGE)`. Never falls back to static.
 * In mTLS mode a set but unreadable `…_ca` rejects too (`tokensmith_service_identity_ca is not readable: …`).
 */
export async function selectTokenMode(config: TokenModeConfig): Promise<TokenModeSelection> {
  const url = config.tokensmith_url?.trim()
  if (!url) return { mode: 'static' }
  const certPath = config.tokensmith_service_identity_cert?.trim()
  const keyPath = config.tokensmith_service_identity_key?.trim()
  if (certPath && keyPath) {
    const [cert, key] = await Promise.all([readOrUndefined(certPath), readOrUndefined(keyPath)])
    if (cert !== undefined && key !== undefined) {
      const caPath = config.tokensmith_service_identity_ca?.trim()
      if (!caPath) return { mode: 'mtls', url, cert, key }
      try {
        return { mode: 'mtls', url, cert, key, ca: await readFile(caPath) }
      } catch (err) {
        throw new MetadataError('TOKEN_UNAVAILABLE', `tokensmith_service_identity_ca is not readable: ${(err as Error).message}`, {
          cause: err,
        })
      }
    }
  }
  const bootstrapToken = config.tokensmith_bootstrap_token?.trim()
  if (bootstrapToken) return { mode: 'bootstrap', url, bootstrapToken }
  throw new MetadataError('TOKEN_UNAVAILABLE', TOKENSMITH_AUTH_REQUIRED_MESSAGE)
}

/**
 * TOK-10: `tokensmith_scopes` split on commas and trimmed, empty items dropped.
 * `"metadata:read, groups:read"` → `["metadata:read", "groups:read"]`.
 */
export function parseTokenSmithScopes(value: string | readonly string[] | undefined): string[] {
  const items = typeof value === 'string' ? value.split(',') : [...(value ?? [])]
  return items.map((s) => s.trim()).filter((s) => s !== '')
}

async function readOrUndefined(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path)
  } catch {
    return undefined
  }
}
