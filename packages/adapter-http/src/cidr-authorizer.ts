import { anyCidrContains, MetadataError, normalizePeerAddress, parseCidr, type Cidr } from '@metadata-service/core'
import { createBearerAuthorizer, type AdminAuthorizer } from '@metadata-service/adapter-http'
import type { Config } from './config/schema.js'
import { CliError } from './errors.js'

/** SEC-6: the 403 text for a resource write (or WireGuardPeer read) from outside `admin_cidrs`. */
export const ADMIN_ACCESS_REQUIRED = 'admin access requires a peer in admin_cidrs or a bearer token (configure auth_jwks_url)'

/**
 * The SEC-6 403 message for `peer`: {@link ADMIN_ACCESS_REQUIRED}, then the connection's own address, since the Go
 * service let anyone write and forwarding headers never count here (§16: the difference explains itself).
 */
export function adminAccessRefused(peer: string): string {
  return `${ADMIN_ACCESS_REQUIRED}; this connection comes from ${peer}, which is not in admin_cidrs`
}

/**
 * SEC-6 without `auth_jwks_url`: resource writes, and every read of WireGuardPeers, are allowed only from a socket
 * peer inside `adminCidrs` (never decided on headers); other reads stay open. Rejects with FORBIDDEN otherwise.
 */
export function createAdminAuthorizer(adminCidrs: readonly Cidr[]): AdminAuthorizer {
  return (request) => {
    if (!request.write && request.kind !== 'WireGuardPeer') return
    // ID-1 form of the socket peer: `::ffff:a.b.c.d` as IPv4, any zone (`fe80::1%eth0`) dropped.
    const peer = normalizePeerAddress(request.peer)
    if (anyCidrContains(adminCidrs, peer ?? '')) return
    throw new MetadataError('FORBIDDEN', adminAccessRefused(peer ?? (request.peer === '' ? 'an unknown address' : request.peer)))
  }
}

/** The configuration keys SEC-6 reads. */
export type AdminAccessConfig = Pick<
  Config,
  'admin_cidrs' | 'admin_cidrs_bypass_auth' | 'auth_jwks_url' | 'auth_issuer' | 'auth_audience'
>

/**
 * SEC-6 as configured. Without `auth_jwks_url`: {@link createAdminAuthorizer}. With it: bearer JWTs on every
 * resource route, verified against that JWKS (`auth_issuer` when set, `auth_audience`), and `admin_cidrs` peers pass
 * without a token only when `admin_cidrs_bypass_auth` is true. Throws a CliError when `auth_audience` is empty
 * while `auth_jwks_url` is set, so the audience check can never be silently off.
 */
export function adminAuthorizerFor(config: AdminAccessConfig): AdminAuthorizer {
  const adminCidrs = config.admin_cidrs.map(parseCidr)
  if (config.auth_jwks_url === '') return createAdminAuthorizer(adminCidrs)
  if (config.auth_audience.trim() === '') {
    throw new CliError('invalid value for auth_audience: must not be empty when auth_jwks_url is set')
  }
  return createBearerAuthorizer({
    jwksUrl: config.auth_jwks_url,
    issuer: config.auth_issuer,
    audience: config.auth_audience,
    bypassCidrs: config.admin_cidrs_bypass_auth ? adminCidrs : [],
  })
}
