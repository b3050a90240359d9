import type { WireGuardPeer, WireGuardPeerStatus } from '../domain/wireguard-peer.js'

/** WG-8 `status.version`. */
const STATUS_VERSION = 'v1'

/** WG-8 status table, exact messages. */
export const PEER_STATUS = {
  applied: ready('wireguard peer reconciled'),
  off: { phase: 'Degraded', ready: false, message: 'wireguard controller not configured; reconcile skipped', version: STATUS_VERSION },
  emptyKey: failed('public_key is required'),
} as const satisfies Record<string, WireGuardPeerStatus>

/** WG-8 bad CIDR: `invalid allowed_ip "<v>": <err>`. */
export function badCidrStatus(value: string, reason: string): WireGuardPeerStatus {
  return failed(`invalid allowed_ip "${value}": ${reason}`)
}

/** WG-8 device error: `failed to upsert peer: <err>`. */
export function deviceErrorStatus(reason: string): WireGuardPeerStatus {
  return failed(`failed to upsert peer: ${reason}`)
}

/** True when `peer` already carries `status` (so writing it again would only bump resourceVersion). */
export function hasStatus(peer: WireGuardPeer, status: WireGuardPeerStatus): boolean {
  return statusKey(peer.status) === statusKey(status)
}

/**
 * What distinguishes one write of a peer from another for the reconciler: the device-relevant spec and the status.
 * Two writes with the same fingerprint need the same device state.
 */
export function peerFingerprint(peer: WireGuardPeer): string {
  return JSON.stringify([peer.spec.public_key, peer.spec.allowed_ip, statusKey(peer.status)])
}

// --- internal ---

function ready(message: string): WireGuardPeerStatus {
  return { phase: 'Ready', ready: true, message, version: STATUS_VERSION }
}

function failed(message: string): WireGuardPeerStatus {
  return { phase: 'Error', ready: false, message, version: STATUS_VERSION }
}

function statusKey(status: WireGuardPeerStatus | undefined): string {
  return JSON.stringify([status?.phase, status?.ready, status?.message, status?.version])
}
