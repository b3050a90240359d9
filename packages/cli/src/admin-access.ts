import { anyCidrContains, MetadataError, type Cidr } from '@metadata-service/core'
import type { AdminAuthorizer } from '@metadata-service/adapter-http'

/** SEC-6: the 403 text for a resource write (or WireGuardPeer read) from outside `admin_cidrs`. */
export const ADMIN_ACCESS_REQUIRED = 'admin access requires a peer in admin_cidrs or a bearer token (configure auth_jwks_url)'

/**
 * SEC-6 without `auth_jwks_url`: resource writes, and every read of WireGuardPeers, are allowed only from a socket
 * peer inside `adminCidrs` (never decided on headers); other reads stay open. Rejects with FORBIDDEN otherwise.
 */
export function createAdminAuthorizer(adminCidrs: readonly Cidr[]): AdminAuthorizer {
  return (request) => {
    if (!request.write && request.kind !== 'WireGuardPeer') return
    if (anyCidrContains(adminCidrs, request.peer)) return
    throw new MetadataError('FORBIDDEN', ADMIN_ACCESS_REQUIRED)
  }
}
