import type { Dispatcher } from 'undici'
import { excerpt, send, type HttpReply } from './_request.js'
import { WireTokenResponseSchema } from './wire.js'

/** Tokens granted by TokenSmith, with lifetimes in seconds (TOK-5; the JWT is never decoded). */
export interface TokenGrant {
  readonly accessToken: string
  readonly expiresInSec: number
  readonly refreshToken: string
  readonly refreshExpiresInSec: number
}

/** A failed TokenSmith exchange. `invalidGrant` marks an OAuth `invalid_grant` answer (TOK-6). */
export class TokenSmithError extends Error {
  override readonly name = 'TokenSmithError'
  constructor(
    message: string,
    readonly invalidGrant = false,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/** Options of {@link createTokenSmithClient}. */
export interface TokenSmithClientOptions {
  /** `tokensmith_url`; trailing `/` trimmed. */
  readonly url: string
  /** For mTLS: an undici Agent carrying the client certificate (TOK-3). */
  readonly dispatcher?: Dispatcher | undefined
  /** Deadline per attempt in ms; default 10,000 (TOK-7). */
  readonly timeoutMs?: number
  /** `tokensmith_target_service`; default `smd` (TOK-10). */
  readonly targetService?: string
  /** `tokensmith_scopes`, already split (TOK-10); sent only when non-empty. */
  readonly scopes?: readonly string[]
  readonly userAgent?: string
}

/** The three TokenSmith calls, one attempt each. Rejections are {@link TokenSmithError}s with the TOK-5 texts. */
export interface TokenSmithClient {
  readonly sessionUrl: string
  readonly tokenUrl: string
  /** TOK-3: `POST {url}/service-identity/session` over mTLS. */
  openSession(): Promise<TokenGrant>
  /** TOK-4: the single-use bootstrap token exchange. */
  exchangeBootstrap(bootstrapToken: string): Promise<TokenGrant>
  /** TOK-6: `grant_type=refresh_token`. */
  refresh(refreshToken: string): Promise<TokenGrant>
}

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
const BOOTSTRAP_TOKEN_TYPE = 'urn:openchami:params:oauth:token-type:bootstrap-token'

/**
 * The largest TokenSmith answer read, in bytes (1 MiB): a token response is a few KiB, and a misbehaving or hostile
 * endpoint must not make the service buffer without bound (issue 16, as `smd_max_response_bytes` does for SMD).
 */
export const TOKENSMITH_MAX_RESPONSE_BYTES = 1024 * 1024

/** The TokenSmith HTTP calls (TOK-3..TOK-6). */
export function createTokenSmithClient(options: TokenSmithClientOptions): TokenSmithClient {
  const base = options.url.trim().replace(/\/+$/, '')
  const sessionUrl = `${base}/service-identity/session`
  const tokenUrl = `${base}/oauth/token`
  const timeoutMs = options.timeoutMs ?? 10_000
  const common = { accept: 'application/json', 'user-agent': options.userAgent ?? 'metadata-service' }

  const post = async (url: string, contentType: string, body: string): Promise<TokenGrant> => {
    let reply: HttpReply
    try {
      reply = await send({
        method: 'POST',
        url,
        headers: { ...common, 'content-type': contentType },
        body,
        timeoutMs,
        maxBodyBytes: TOKENSMITH_MAX_RESPONSE_BYTES,
        dispatcher: options.dispatcher,
      })
    } catch (err) {
      throw new TokenSmithError((err as Error).message, false, { cause: err })
    }
    return parseGrant(reply)
  }

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()
  const FORM = 'application/x-www-form-urlencoded'

  return {
    sessionUrl,
    tokenUrl,
    openSession() {
      const scopes = options.scopes ?? []
      const body = {
        service_name: 'metadata-service',
        service_id: 'metadata-service',
        instance_id: '',
        cluster_id: '',
        target_service: options.targetService ?? 'smd',
        ...(scopes.length > 0 ? { scopes } : {}),
      }
      return post(sessionUrl, 'application/json', JSON.stringify(body))
    },
    exchangeBootstrap(bootstrapToken) {
      return post(
        tokenUrl,
        FORM,
        form({ grant_type: TOKEN_EXCHANGE, subject_token: bootstrapToken, subject_token_type: BOOTSTRAP_TOKEN_TYPE }),
      )
    },
    refresh(refreshToken) {
      return post(tokenUrl, FORM, form({ grant_type: 'refresh_token', refresh_token: refreshToken }))
    },
  }
}

/** TOK-5: a 200 with both tokens and their lifetimes, else the exact error texts. */
function parseGrant(reply: HttpReply): TokenGrant {
  if (reply.status !== 200) {
    throw new TokenSmithError(
      `TokenSmith endpoint returned status=${reply.status} body=${excerpt(reply.text, 512)}`,
      isInvalidGrant(reply.text),
    )
  }
  let json: unknown
  try {
    json = JSON.parse(reply.text)
  } catch (err) {
    throw new TokenSmithError(`failed to decode token response: ${(err as Error).message}`)
  }
  const body = WireTokenResponseSchema.safeParse(json)
  if (!body.success) throw new TokenSmithError('failed to decode token response: not a JSON object')
  const t = body.data
  if (t.access_token === undefined || t.expires_in === undefined || t.expires_in <= 0) {
    throw new TokenSmithError('failed to decode token response: missing access_token or expires_in')
  }
  if (t.refresh_token === undefined || t.refresh_expires_in === undefined) {
    throw new TokenSmithError('failed to decode token response: missing refresh_token or refresh_expires_in')
  }
  return {
    accessToken: t.access_token,
    expiresInSec: t.expires_in,
    refreshToken: t.refresh_token,
    refreshExpiresInSec: t.refresh_expires_in,
  }
}

function isInvalidGrant(text: string): boolean {
  try {
    return (JSON.parse(text) as { error?: unknown }).error === 'invalid_grant'
  } catch {
    return false
  }
}
