import { parseIp, type ParsedIp } from './ip.js'

export { plainIpv4Value } from './ip.js'

/**
 * An IPv4 address as an unsigned 32-bit integer (`10.0.0.1` → 167772161), for address arithmetic such as the
 * WireGuard allocator (WG-7). Accepts text or a parsed address; returns `undefined` for anything but IPv4.
 */
export function ipv4ToInt(ip: string | ParsedIp): number | undefined {
  const parsed = typeof ip === 'string' ? parseIp(ip) : ip
  return parsed?.family === 4 ? Number(parsed.value) : undefined
}

/** The dotted quad of an unsigned 32-bit integer. Throws a `RangeError` outside 0–4294967295 or for non-integers. */
export function intToIpv4(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`${value} is not an IPv4 value`)
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`
}
