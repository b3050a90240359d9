import { MetadataError } from '../errors.js'
import { ipFromValue, parseIp, unmapIpv4, type IpFamily, type ParsedIp } from './ip.js'

/** A parsed CIDR block such as `10.0.0.0/8` or `100.97.0.1/16`. */
export interface Cidr {
  readonly family: IpFamily
  /** The address as written, host bits included (WG-1 takes the server's tunnel IP from them). */
  readonly address: ParsedIp
  /** The address with its host bits cleared. */
  readonly network: ParsedIp
  /** Prefix length: 0–32 for IPv4, 0–128 for IPv6. */
  readonly prefix: number
  /** Canonical `<network>/<prefix>`. */
  readonly text: string
}

/**
 * Parses `<address>/<prefix>`. Host bits may be set (`100.97.0.1/16`); a bare address without `/prefix` is refused.
 * Throws `MetadataError('VALIDATION_FAILED')` whose message names the input and the broken rule, e.g.
 * `invalid CIDR "10.0.0.0/33": prefix length must be 0-32`; `details.reason` holds the rule alone for callers that
 * quote the input themselves (WG-8, WG-11, CFG-4).
 */
export function parseCidr(text: string): Cidr {
  const trimmed = text.trim()
  const slash = trimmed.indexOf('/')
  if (slash < 0) throw cidrError(text, 'missing "/<prefix length>"')
  const address = parseIp(trimmed.slice(0, slash))
  if (address === undefined) throw cidrError(text, `"${trimmed.slice(0, slash)}" is not an IP address`)
  const bits = address.family === 4 ? 32 : 128
  const prefixText = trimmed.slice(slash + 1)
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
    throw cidrError(text, `prefix length must be 0-${bits}`)
  }
  const prefix = Number(prefixText)
  const network = ipFromValue(address.family, address.value & prefixMask(bits, prefix))
  return { family: address.family, address, network, prefix, text: `${network.address}/${prefix}` }
}

/**
 * Parses a comma-separated CIDR list such as `127.0.0.0/8, ::1/128` (CFG-4 lists). Items are trimmed and empty
 * items skipped, so `""` gives `[]`. Throws as {@link parseCidr} for the first bad item.
 */
export function parseCidrList(text: string): Cidr[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map(parseCidr)
}

/**
 * True when `ip` lies inside `cidr` (network and broadcast addresses included). `ip` may be text in any form
 * {@link parseIp} accepts; unparsable text is never contained. An IPv4-mapped IPv6 address is matched as IPv4,
 * so `::ffff:10.0.0.1` is inside `10.0.0.0/8`.
 */
export function cidrContains(cidr: Cidr, ip: ParsedIp | string): boolean {
  const parsed = typeof ip === 'string' ? parseIp(ip) : ip
  if (parsed === undefined) return false
  const candidate = cidr.family === 4 ? unmapIpv4(parsed) : parsed
  if (candidate.family !== cidr.family) return false
  const bits = cidr.family === 4 ? 32 : 128
  return (candidate.value & prefixMask(bits, cidr.prefix)) === cidr.network.value
}

/** True when any block of `cidrs` contains `ip` ({@link cidrContains}); false for an empty list. */
export function anyCidrContains(cidrs: readonly Cidr[], ip: ParsedIp | string): boolean {
  const parsed = typeof ip === 'string' ? parseIp(ip) : ip
  return parsed !== undefined && cidrs.some((cidr) => cidrContains(cidr, parsed))
}

// --- internal ---

/** The masks of every prefix length, per family width, made once: CIDR checks run for every request (ID-2). */
const PREFIX_MASKS = new Map<number, readonly bigint[]>([32, 128].map((bits) => [bits, Array.from({ length: bits + 1 }, (_, prefix) => maskOf(bits, prefix))]))

function prefixMask(bits: number, prefix: number): bigint {
  return (PREFIX_MASKS.get(bits) as readonly bigint[])[prefix] as bigint
}

function maskOf(bits: number, prefix: number): bigint {
  const all = (1n << BigInt(bits)) - 1n
  return all ^ ((1n << BigInt(bits - prefix)) - 1n)
}

function cidrError(input: string, reason: string): MetadataError {
  return new MetadataError('VALIDATION_FAILED', `invalid CIDR "${input}": ${reason}`, { details: { input, reason } })
}
