import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose'
import { anyCidrContains, MetadataError, normalizePeerAddress, type Cidr } from '@metadata-service/core'
import type { AdminAccessRequest, AdminAuthorizer } from './admin-access.js'

/** Options of {@link createBearerAuthorizer}. */
export interface BearerAuthorizerOptions {
  /** `auth_jwks_url`: where the signing keys are fetched (http or https; TLS is verified, redirects refused). */
  readonly jwksUrl: string
  /** `auth_issuer`: the required `iss`; `''` or absent skips the issuer check. */
  readonly issuer?: string
  /** `auth_audience`: a value `aud` must contain. Must not be empty. */
  readonly audience: string
  /** Peers that pass without a token (`admin_cidrs` when `admin_cidrs_bypass_auth` is on); default none. */
  readonly bypassCidrs?: readonly Cidr[]
  /** Deadline of one JWKS fetch, in milliseconds (SEC-5); default 5000. */
  readonly jwksTimeoutMs?: number
}

/** SEC-6 scopes: either one reads; only the write scope writes. */
export const READ_SCOPE = 'metadata:read'
export const WRITE_SCOPE = 'metadata:write'

// SEC-6: `exp`/`nbf` are checked with 60 s of leeway for clock skew between the IdP and this host.
const CLOCK_TOLERANCE_SECONDS = 60
const DEFAULT_JWKS_TIMEOUT_MS = 5000
// Only asymmetric algorithms: a JWKS holds public keys, so an HS256 token "signed" with a public key (the classic
// algorithm-confusion attack) or an unsigned `alg: none` token is refused before any key is looked at.
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']
const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i

/**
 * SEC-6 with `auth_jwks_url`: every resource route needs a bearer JWT verified against the JWKS (signature, `exp`
 * required and `nbf` with 60 s leeway, `iss` when configured, `aud` containing the audience). Reads need
 * `metadata:read` or `metadata:write`, writes `metadata:write`, granted by `scope` (space-separated) or `scp` (a list
 * or a space-separated string). Decided on the socket peer and the token only, never on forwarding headers.
 *
 * Rejects with `UNAUTHENTICATED` (401 + `WWW-Authenticate`) for a missing or invalid token, `FORBIDDEN` (403) for a
 * valid token without the scope, and `TOKEN_UNAVAILABLE` (503) when the JWKS cannot be fetched: verification fails
 * closed and the client may retry. The key set is fetched on first use and cached by jose (refetched for an
 * unknown `kid`, at most every 30 s).
 */
export function createBearerAuthorizer(options: BearerAuthorizerOptions): AdminAuthorizer {
  if (options.audience === '') throw new TypeError('createBearerAuthorizer: audience must not be empty')
  const keys = createRemoteJWKSet(new URL(options.jwksUrl), {
    timeoutDuration: options.jwksTimeoutMs ?? DEFAULT_JWKS_TIMEOUT_MS,
  })
  const bypass = options.bypassCidrs ?? []
  const verifyOptions = {
    algorithms: ALGORITHMS,
    audience: options.audience,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    requiredClaims: ['exp'],
    ...(options.issuer ? { issuer: options.issuer } : {}),
  }

  return async (request: AdminAccessRequest) => {
    if (bypass.length > 0 && anyCidrContains(bypass, normalizePeerAddress(request.peer) ?? '')) return
    const token = bearerToken(request.authorization)
    let payload: JWTPayload
    try {
      payload = (await jwtVerify(token, keys, verifyOptions)).payload
    } catch (err) {
      throw verificationError(err)
    }
    const granted = scopesOf(payload)
    if (granted.has(WRITE_SCOPE) || (!request.write && granted.has(READ_SCOPE))) return
    throw new MetadataError(
      'FORBIDDEN',
      request.write ? `insufficient scope: writes need ${WRITE_SCOPE}` : `insufficient scope: reads need ${READ_SCOPE} or ${WRITE_SCOPE}`,
    )
  }
}

// --- internal ---

function bearerToken(authorization: string | undefined): string {
  if (authorization === undefined) throw new MetadataError('UNAUTHENTICATED', 'bearer token required')
  const match = BEARER.exec(authorization)
  if (match === null) throw new MetadataError('UNAUTHENTICATED', 'Authorization must be "Bearer <token>"')
  return match[1] as string
}

/** The granted scopes: `scope` and `scp`, each a space-separated string or a list of strings. */
function scopesOf(payload: JWTPayload): Set<string> {
  const granted = new Set<string>()
  for (const claim of [payload.scope, payload.scp]) {
    const items = typeof claim === 'string' ? claim.split(/\s+/) : Array.isArray(claim) ? claim : []
    for (const item of items) if (typeof item === 'string' && item !== '') granted.add(item)
  }
  return granted
}

/**
 * A JWKS that cannot be had is an outage (503, retry), not a bad token; everything else jose rejects is the token's
 * fault (401). jose's messages name the failed check (`"exp" claim timestamp check failed`, `unexpected "aud" claim
 * value`, `signature verification failed`) and never echo the token.
 */
function verificationError(err: unknown): MetadataError {
  const outage =
    !(err instanceof errors.JOSEError) ||
    err instanceof errors.JWKSTimeout ||
    err instanceof errors.JWKSInvalid ||
    err.code === errors.JOSEError.code
  if (outage) {
    return new MetadataError('TOKEN_UNAVAILABLE', 'bearer token verification unavailable: cannot fetch the JWKS', { cause: err })
  }
  return new MetadataError('UNAUTHENTICATED', `invalid bearer token: ${err.message}`, { cause: err })
}
