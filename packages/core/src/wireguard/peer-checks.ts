import type { WireGuardPeerSpec } from '../domain/wireguard-peer.js'
import { isMetadataError } from '../errors.js'
import { parseCidr, type Cidr } from '../ip/cidr.js'
import type { ResourceStore } from '../ports/resource-store.js'
import { validationFailed } from '../resources/validation-problems.js'
import { allowedIpHost } from './allocator.js'
import { checkWireGuardKey } from './keys.js'

/** What {@link checkWireGuardPeer} needs besides the spec. */
export interface WireGuardPeerCheckContext {
  /** The uid being written; `undefined` on create (its uid is not chosen yet). */
  readonly uid: string | undefined
  readonly store: ResourceStore
}

/**
 * WG-11 kind check for a WireGuardPeer written through the resource API, run after the RES-9 schema checks passed.
 * Collects, in this order: `allowed_ip must be a valid CIDR: <detail>`, `public_key must be valid base64` or
 * `public_key must decode to 32 bytes`, and `allowed_ip <ip> is already assigned to <uid>` when another stored peer's
 * allowed_ip has the same host address. Throws `MetadataError('VALIDATION_FAILED', 'validation failed: <m1>; <m2>')`;
 * a store failure propagates as the store's own error (STORAGE_FAILED).
 */
export async function checkWireGuardPeer(spec: WireGuardPeerSpec, ctx: WireGuardPeerCheckContext): Promise<void> {
  const messages: string[] = []
  const cidr = parseAllowedIp(spec.allowed_ip, messages)
  const key = checkWireGuardKey(spec.public_key)
  if (!key.ok) messages.push(key.message)
  if (cidr !== undefined) {
    const host = cidr.address.address
    const holder = (await ctx.store.list('WireGuardPeer')).find(
      (peer) => peer.metadata.uid !== ctx.uid && allowedIpHost(peer.spec.allowed_ip) === host,
    )
    if (holder) messages.push(`allowed_ip ${host} is already assigned to ${holder.metadata.uid}`)
  }
  if (messages.length > 0) throw validationFailed(messages)
}

// --- internal ---

function parseAllowedIp(allowedIp: string, messages: string[]): Cidr | undefined {
  try {
    return parseCidr(allowedIp)
  } catch (err) {
    if (!isMetadataError(err)) throw err
    messages.push(`allowed_ip must be a valid CIDR: ${err.message}`)
    return undefined
  }
}
