/** Address family of a {@link ParsedIp}. */
export type IpFamily = 4 | 6

/** A parsed IPv4 or IPv6 address. */
export interface ParsedIp {
  readonly family: IpFamily
  /**
   * Canonical text: a dotted quad for IPv4; RFC 5952 for IPv6 (lowercase, no leading zeros, the longest run of
   * two or more zero groups compressed to `::`, leftmost on a tie, `::ffff:a.b.c.d` for IPv4-mapped addresses).
   */
  readonly address: string
  /** Network-order bytes: 4 for IPv4, 16 for IPv6. */
  readonly bytes: Uint8Array
  /** The address as an unsigned integer of 32 or 128 bits. */
  readonly value: bigint
}

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/

/**
 * Parses a bare IPv4 or IPv6 address (no port, brackets, zone or prefix). Strict: IPv4 needs four decimal octets
 * 0–255 without leading zeros (`010.0.0.1` is ambiguous between octal and decimal, so it is refused, as Go and
 * Node do); IPv6 allows one `::` and a trailing dotted quad. Returns `undefined` when `text` is not an address.
 */
export function parseIp(text: string): ParsedIp | undefined {
  if (!text.includes(':')) {
    // The common case (every request's client address, OPS-7): valid dotted IPv4 is its own canonical text.
    const value = plainIpv4Value(text)
    return value === undefined ? undefined : { family: 4, address: text, bytes: ipv4Bytes(value), value: BigInt(value) }
  }
  const bytes = parseIpv6Bytes(text)
  return bytes === undefined ? undefined : ipFromBytes(bytes)
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

/**
 * Builds a {@link ParsedIp} from 4 or 16 network-order bytes (copied). Throws a `RangeError` for any other length.
 */
export function ipFromBytes(bytes: Uint8Array): ParsedIp {
  if (bytes.length !== 4 && bytes.length !== 16) throw new RangeError(`an IP address has 4 or 16 bytes, not ${bytes.length}`)
  const copy = Uint8Array.from(bytes)
  if (copy.length === 4) return { family: 4, address: formatIpv4(copy), bytes: copy, value: BigInt(ipv4Number(copy)) }
  // Two 64-bit halves instead of one BigInt step per byte: this runs for every request's client (OPS-7).
  const view = new DataView(copy.buffer)
  return { family: 6, address: formatIpv6(copy), bytes: copy, value: (view.getBigUint64(0) << 64n) | view.getBigUint64(8) }
}

/**
 * Builds a {@link ParsedIp} from an unsigned integer of the family's width. Throws a `RangeError` when `value`
 * does not fit.
 */
export function ipFromValue(family: IpFamily, value: bigint): ParsedIp {
  const length = family === 4 ? 4 : 16
  if (value < 0n || value >> BigInt(length * 8) !== 0n) throw new RangeError(`${value} is not an IPv${family} value`)
  const bytes = new Uint8Array(length)
  let rest = value
  for (let i = length - 1; i >= 0; i--) {
    bytes[i] = Number(rest & 0xffn)
    rest >>= 8n
  }
  return ipFromBytes(bytes)
}

/** True for an IPv6 address of the form `::ffff:a.b.c.d`. */
export function isIpv4Mapped(ip: ParsedIp): boolean {
  if (ip.family !== 6) return false
  for (let i = 0; i < 10; i++) if (ip.bytes[i] !== 0) return false
  return ip.bytes[10] === 0xff && ip.bytes[11] === 0xff
}

/** The IPv4 address inside an IPv4-mapped IPv6 address; any other address is returned unchanged. */
export function unmapIpv4(ip: ParsedIp): ParsedIp {
  return isIpv4Mapped(ip) ? ipFromBytes(ip.bytes.subarray(12)) : ip
}

// --- internal ---

function ipv4Bytes(value: number): Uint8Array {
  return Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff)
}

function parseIpv6Bytes(text: string): Uint8Array | undefined {
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const head = parseGroups(halves[0] as string, halves.length === 1)
  const tail = halves.length === 2 ? parseGroups(halves[1] as string, true) : []
  if (head === undefined || tail === undefined) return undefined
  const count = head.length + tail.length
  // Without `::` there must be exactly 8 groups; `::` stands for at least one zero group.
  if (halves.length === 1 ? count !== 8 : count > 7) return undefined
  const groups = [...head, ...new Array<number>(8 - count).fill(0), ...tail]
  const bytes = new Uint8Array(16)
  groups.forEach((g, i) => {
    bytes[2 * i] = g >> 8
    bytes[2 * i + 1] = g & 0xff
  })
  return bytes
}

/** Colon-separated 16-bit groups; the last one may be a dotted quad when `mayEndWithIpv4` (two groups). */
function parseGroups(part: string, mayEndWithIpv4: boolean): number[] | undefined {
  if (part === '') return []
  const items = part.split(':')
  const groups: number[] = []
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as string
    if (mayEndWithIpv4 && i === items.length - 1 && item.includes('.')) {
      const v4 = plainIpv4Value(item)
      if (v4 === undefined) return undefined
      groups.push(v4 >>> 16, v4 & 0xffff)
    } else {
      if (!HEX_GROUP.test(item)) return undefined
      groups.push(Number.parseInt(item, 16))
    }
  }
  return groups
}

function ipv4Number(bytes: Uint8Array): number {
  return (((bytes[0] as number) << 24) | ((bytes[1] as number) << 16) | ((bytes[2] as number) << 8) | (bytes[3] as number)) >>> 0
}

function formatIpv4(bytes: Uint8Array): string {
  return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`
}

function formatIpv6(bytes: Uint8Array): string {
  const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff
  if (mapped) return `::ffff:${formatIpv4(bytes.subarray(12))}`
  const groups: number[] = []
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] as number) << 8) | (bytes[i + 1] as number))
  // RFC 5952 4.2: compress the longest run of at least two zero groups, the first one on a tie.
  let bestStart = -1
  let bestLength = 1
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i]
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (bestStart < 0) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`
}
