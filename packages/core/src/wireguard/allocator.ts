import { MetadataError } from '../errors.js'
import { parseCidr } from '../ip/cidr.js'
import { parseIp } from '../ip/ip.js'
import { intToIpv4, ipv4ToInt } from '../ip/ipv4-int.js'
import type { ParsedServerAddress } from './server-address.js'

/** WG-4 / WG-7: the exact text when the pool has no free address. */
export const POOL_EXHAUSTED_MESSAGE = 'failed to allocate WireGuard IP: no available IPs'

/**
 * The host address of a peer's `allowed_ip` (`100.97.0.2/32` → `100.97.0.2`), in canonical text. A bare address is
 * accepted too, since files written by hand may hold one. Returns `undefined` when neither parses.
 */
export function allowedIpHost(allowedIp: string): string | undefined {
  const trimmed = allowedIp.trim()
  if (!trimmed.includes('/')) return parseIp(trimmed)?.address
  try {
    return parseCidr(trimmed).address.address
  } catch {
    return undefined
  }
}

/**
 * WG-7: the lowest free address of the whole server CIDR, skipping the network, broadcast and server addresses and
 * the host of every `allowedIps` entry (unparsable entries take nothing). Derived from what is stored, so it needs
 * no state of its own and survives restarts. In a /23, `.0.255` is followed by `.1.0`.
 *
 * Cost is one pass over `allowedIps` plus a scan from the bottom of the pool that stops at the first gap, so a /16
 * with a few thousand peers is a few thousand steps. Throws `MetadataError('POOL_EXHAUSTED')` with
 * {@link POOL_EXHAUSTED_MESSAGE} when nothing is free.
 */
export function allocatePeerAddress(server: ParsedServerAddress, allowedIps: Iterable<string>): string {
  const taken = new Set<number>([server.serverInt])
  for (const allowedIp of allowedIps) {
    const host = allowedIpHost(allowedIp)
    const value = host === undefined ? undefined : ipv4ToInt(host)
    if (value !== undefined) taken.add(value)
  }
  for (let candidate = server.networkInt + 1; candidate < server.broadcastInt; candidate++) {
    if (!taken.has(candidate)) return intToIpv4(candidate)
  }
  throw new MetadataError('POOL_EXHAUSTED', POOL_EXHAUSTED_MESSAGE)
}
