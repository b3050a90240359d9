import { WireGuardPeerSpecSchema, type WireGuardPeer } from '../domain/wireguard-peer.js'
import { MetadataError, isMetadataError } from '../errors.js'
import { parseCidr } from '../ip/cidr.js'
import { checkWireGuardKey, wireGuardPeerUid } from './keys.js'
import type { ParsedServerAddress } from './server-address.js'

/** The 202 body of `/wg-init` (WG-4): hyphenated keys, and the port as a string. */
export interface WgInitAccepted {
  readonly message: 'WireGuard peer allocation accepted'
  readonly 'peer-uid': string
  readonly 'client-vpn-ip': string
  readonly 'server-public-key': string
  readonly 'server-ip': string
  readonly 'server-port': string
}

/** Builds the WG-4 202 body. */
export function wgInitAccepted(input: {
  readonly uid: string
  readonly clientIp: string
  readonly serverPublicKey: string
  readonly server: ParsedServerAddress
  readonly port: number
}): WgInitAccepted {
  return {
    message: 'WireGuard peer allocation accepted',
    'peer-uid': input.uid,
    'client-vpn-ip': input.clientIp,
    'server-public-key': input.serverPublicKey,
    'server-ip': input.server.serverIp,
    'server-port': String(input.port),
  }
}

/** What a `/wg-init` peer is made of (WG-6). */
export interface PeerIntentInput {
  /** The normalised public key (from `checkWireGuardKey`). */
  readonly key: string
  /** The node's xname, else the client address string. */
  readonly requester: string
  /** The allocated tunnel IP, e.g. `100.97.0.2`. */
  readonly ip: string
  /** Creation time, Unix ms. */
  readonly now: number
}

/**
 * WG-6: the full WireGuardPeer envelope `/wg-init` stores: uid from WG-5, `metadata.name` = requester, description
 * `WireGuard peer for <requester>`, allowed_ip `<ip>/32`, resourceVersion "1", status `{ready: false}` until WG-8
 * reconciles it. Throws `MetadataError('VALIDATION_FAILED', 'failed to validate WireGuard peer intent: <err>')` when
 * the pieces do not make a valid peer (for example an empty requester), before anything is changed.
 */
export function buildPeerIntent(input: PeerIntentInput): WireGuardPeer {
  const at = new Date(input.now).toISOString()
  const peer: WireGuardPeer = {
    apiVersion: 'v1',
    kind: 'WireGuardPeer',
    metadata: {
      name: input.requester,
      uid: wireGuardPeerUid(input.key),
      createdAt: at,
      updatedAt: at,
      resourceVersion: '1',
    },
    spec: {
      description: `WireGuard peer for ${input.requester}`,
      public_key: input.key,
      allowed_ip: `${input.ip}/32`,
    },
    status: { ready: false },
  }
  const problems = intentProblems(peer)
  if (problems.length > 0) {
    throw new MetadataError('VALIDATION_FAILED', `failed to validate WireGuard peer intent: ${problems.join('; ')}`)
  }
  return peer
}

// --- internal ---

function intentProblems(peer: WireGuardPeer): string[] {
  const problems: string[] = []
  if (peer.metadata.name.trim() === '') problems.push('metadata.name is required')
  if (!WireGuardPeerSpecSchema.safeParse(peer.spec).success) problems.push('spec does not match the WireGuardPeer schema')
  const key = checkWireGuardKey(peer.spec.public_key)
  if (!key.ok) problems.push(key.message)
  try {
    parseCidr(peer.spec.allowed_ip)
  } catch (err) {
    if (!isMetadataError(err)) throw err
    problems.push(`allowed_ip must be a valid CIDR: ${err.message}`)
  }
  return problems
}
