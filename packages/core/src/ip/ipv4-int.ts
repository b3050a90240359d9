import { parseIp, type ParsedIp } from './ip.js'

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

/**
 * The value of plain dotted IPv4 text `a.b.c.d` (each octet 0–255 without leading zeros), which is already
 * canonical; `undefined` for anything else, including IPv6 and IPv4-mapped forms (use `parseIp` for those). Read by
 * hand: a regex test cost ~0.1 s per 100k-node sync, and this runs for every SMD address and client address.
 */
export function plainIpv4Value(text: string): number | undefined {
  const n = text.length
  if (n < 7 || n > 15) return undefined
  let result = 0
  let octets = 0
  let i = 0
  while (i <= n) {
    let value = 0
    const start = i
    while (i < n) {
      const c = text.charCodeAt(i)
      if (c < 48 || c > 57) break
      value = value * 10 + (c - 48)
      i++
    }
    const digits = i - start
    if (digits === 0 || digits > 3 || value > 255 || (digits > 1 && text.charCodeAt(start) === 48)) return undefined
    result = result * 256 + value
    octets++
    if (i === n) return octets === 4 ? result : undefined
    if (text.charCodeAt(i) !== 46 || octets === 4) return undefined
    i++
  }
  return undefined
}
