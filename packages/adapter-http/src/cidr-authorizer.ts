import { anyCidrContains, MetadataError, normalizePeerAddress, type Cidr } from '@metadata-service/core'
import type { AdminAuthorizer } from './admin-access.js'

/** SEC-6: the 403 text for a resource write (or WireGuardPeer read) from outside `admin_cidrs`. */
export const ADMIN_ACCESS_REQUIRED = 'admin access requires a peer in admin_cidrs or a bearer token (configure auth_jwks_url)'

/**
 * SEC-6 without `auth_jwks_url`: resource writes, and every read of WireGuardPeers, are allowed only from a socket
 * peer inside `adminCidrs` (never decided on headers); other reads stay open. Rejects with FORBIDDEN otherwise.
 * With `auth_jwks_url`, `createBearerAuthorizer` decides instead.
 */
export function createCidrAuthorizer(adminCidrs: readonly Cidr[]): AdminAuthorizer {
  return (request) => {
    if (!request.write && request.kind !== 'WireGuardPeer') return
    // ID-1 form of the socket peer: `::ffff:a.b.c.d` as IPv4, any zone (`fe80::1%eth0`) dropped.
    const peer = normalizePeerAddress(request.peer)
    if (anyCidrContains(adminCidrs, peer ?? '')) return
    throw new MetadataError('FORBIDDEN', adminAccessRefused(peer ?? (request.peer === '' ? 'an unknown address' : request.peer)))
  }
}

// --- internal ---

/**
 * The SEC-6 403 message for `peer`: {@link ADMIN_ACCESS_REQUIRED}, then the connection's own address, since the Go
 * service let anyone write and forwarding headers never count here (§16: the difference explains itself).
 */
function adminAccessRefused(peer: string): string {
  return `${ADMIN_ACCESS_REQUIRED}; this connection comes from ${peer}, which is not in admin_cidrs`
}
