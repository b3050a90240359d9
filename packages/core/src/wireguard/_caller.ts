import type { WireGuardPeer } from '../domain/wireguard-peer.js'
import { isMetadataError } from '../errors.js'
import { addressKey } from '../ip/address-key.js'
import { allowedIpHost } from './allocator.js'

/** Who calls `/phone-home`, as far as ID-1..4 can tell. */
export interface Caller {
  /** The client address (ID-5). */
  readonly address: string
  /** The node the address resolves to (its tunnel address first, WG-9, then the inventory), when it is one. */
  readonly node?: string
  /** Why the address could not be resolved (an inventory outage); absent when it simply is no node. */
  readonly error?: unknown
}

/**
 * Resolves the caller with `resolveNode` (NODE_NOT_FOUND for an address that is no node). Never rejects: an
 * outage is kept in `error`, so a caller that proves ownership by its tunnel address needs no inventory.
 */
export async function identifyCaller(resolveNode: (address: string) => Promise<string>, address: string): Promise<Caller> {
  try {
    return { address, node: await resolveNode(address) }
  } catch (err) {
    return isMetadataError(err, 'NODE_NOT_FOUND') ? { address } : { address, error: err }
  }
}

/**
 * WG-10 as changed by SPEC §16: whether `caller` is the node that owns `peer`. It is when it calls from the peer's
 * tunnel address, when its address resolves to the node the peer is named for (its own boot address), or, for a
 * peer stored before §16 under the address of a client that was no node, when it calls from that address.
 */
export function ownsPeer(caller: Caller, peer: WireGuardPeer): boolean {
  const address = addressKey(caller.address)
  const tunnelHost = allowedIpHost(peer.spec.allowed_ip)
  if (tunnelHost !== undefined && addressKey(tunnelHost) === address) return true
  if (caller.node !== undefined && caller.node === peer.metadata.name) return true
  return peer.metadata.name !== '' && addressKey(peer.metadata.name) === address
}
