import { cidrContains, type Cidr } from '../ip/cidr.js'
import { parseIp, unmapIpv4, type IpFamily, type ParsedIp } from '../ip/ip.js'
import { plainIpv4Value } from '../ip/ipv4-int.js'

/** An address SMD lists, parsed once: its family, canonical text and, for IPv4, its 32-bit value. */
export interface NodeAddress {
  readonly family: IpFamily
  /** Canonical text (RFC 5952 for IPv6); an IPv4-mapped IPv6 address is the IPv4 address it maps. */
  readonly text: string
  readonly v4?: number
  readonly v6?: ParsedIp
}

/**
 * SMD's address text parsed, or `undefined` when it is no IP address. Plain dotted IPv4 (nearly every address)
 * skips the general parser: a write check or pre-render pass reads every address of 100,000 nodes.
 */
export function parseNodeAddress(text: string): NodeAddress | undefined {
  const trimmed = text.trim()
  const v4 = plainIpv4Value(trimmed)
  if (v4 !== undefined) return { family: 4, text: trimmed, v4 }
  const parsed = parseIp(trimmed)
  if (parsed === undefined) return undefined
  const ip = unmapIpv4(parsed)
  return ip.family === 4 ? { family: 4, text: ip.address, v4: Number(ip.value) } : { family: 6, text: ip.address, v6: ip }
}

/** True when `subnet` contains `address` (same family only). */
export function subnetContains(subnet: Cidr, address: NodeAddress): boolean {
  if (subnet.family !== address.family) return false
  if (address.v4 === undefined) return address.v6 !== undefined && cidrContains(subnet, address.v6)
  let bounds = ipv4Bounds.get(subnet)
  if (bounds === undefined) {
    const mask = subnet.prefix === 0 ? 0 : (0xffffffff << (32 - subnet.prefix)) >>> 0
    ipv4Bounds.set(subnet, (bounds = [Number(subnet.network.value), mask]))
  }
  return ((address.v4 & bounds[1]) >>> 0) === bounds[0]
}

const ipv4Bounds = new WeakMap<Cidr, readonly [network: number, mask: number]>()
