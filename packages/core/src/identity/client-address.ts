import { anyCidrContains, type Cidr } from '../ip/cidr.js'
import { parseHostAddress } from '../ip/host-address.js'
import type { ParsedIp } from '../ip/ip.js'
import { headerValue, type RequestHeaders } from './headers.js'

/** A request's client (ID-1..ID-3): its address, and whether its socket peer may set forwarding headers. */
export interface RequestClient {
  readonly address: string
  readonly peerTrusted: boolean
}

/**
 * The client of a request (ID-1..ID-3), with the peer parsed once: both parts are needed for every request (NC-14
 * reads the trust), so the transport adapters ask this.
 *
 * `peer` is the TCP socket's remote address; it is normalised (ID-1: `::ffff:a.b.c.d` → `a.b.c.d`, port, zone and
 * brackets dropped). Forwarding headers count only when that peer lies in `trusted` (ID-2; an empty list trusts
 * nobody; an unparsable peer is never trusted). With a trusted peer the first header present decides:
 * 1. `X-Forwarded-For`, all instances joined, walked right to left: the first entry not in `trusted` wins; when
 *    every entry is trusted, the leftmost;
 * 2. `Forwarded` `for=` values, walked the same way (elements without `for=` are ignored; a header with none
 *    counts as absent);
 * 3. `X-Real-IP`.
 *
 * Ports, brackets and quotes are stripped from entries. Any entry that is not an IP address (`junk`, `unknown`,
 * `_hidden`, an empty list item) voids the header and the peer address is used. `True-Client-IP` is never read.
 * `address` is the canonical address text; a peer that is not an IP address is returned trimmed and unchanged.
 */
export function requestClient(peer: string, headers: RequestHeaders, trusted: readonly Cidr[]): RequestClient {
  const peerIp = parseHostAddress(peer)
  if (peerIp === undefined) return { address: peer.trim(), peerTrusted: false }
  if (!anyCidrContains(trusted, peerIp)) return { address: peerIp.address, peerTrusted: false }
  return { address: forwardedClient(peerIp, headers, trusted), peerTrusted: true }
}

// --- internal ---

/** The client address behind a trusted peer: from the first forwarding header present (ID-2, ID-3). */
function forwardedClient(peerIp: ParsedIp, headers: RequestHeaders, trusted: readonly Cidr[]): string {
  const xff = headerValue(headers, 'x-forwarded-for')
  if (xff !== undefined) return walkHops(xff.split(','), trusted) ?? peerIp.address

  const forwarded = headerValue(headers, 'forwarded')
  const forValues = forwarded === undefined ? [] : forwardedForValues(forwarded)
  if (forValues.length > 0) return walkHops(forValues, trusted) ?? peerIp.address

  const realIp = headerValue(headers, 'x-real-ip')
  if (realIp !== undefined) return parseHostAddress(realIp)?.address ?? peerIp.address

  return peerIp.address
}

/** ID-3 walk: right to left, skipping trusted hops; `undefined` when any entry is not an address. */
function walkHops(entries: readonly string[], trusted: readonly Cidr[]): string | undefined {
  const hops: ParsedIp[] = []
  for (const entry of entries) {
    const ip = parseHostAddress(entry)
    if (ip === undefined) return undefined
    hops.push(ip)
  }
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as ParsedIp
    if (!anyCidrContains(trusted, hop)) return hop.address
  }
  return hops[0]?.address
}

/**
 * The raw `for=` values of a `Forwarded` header (RFC 7239), in order. Commas and semicolons inside quoted strings
 * do not split; parameter names are case-insensitive.
 */
function forwardedForValues(header: string): string[] {
  const values: string[] = []
  for (const element of splitOutsideQuotes(header, ',')) {
    for (const pair of splitOutsideQuotes(element, ';')) {
      const eq = pair.indexOf('=')
      if (eq > 0 && pair.slice(0, eq).trim().toLowerCase() === 'for') values.push(pair.slice(eq + 1).trim())
    }
  }
  return values
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = []
  let start = 0
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === '\\' && quoted) i++
    else if (ch === '"') quoted = !quoted
    else if (ch === separator && !quoted) {
      parts.push(text.slice(start, i))
      start = i + 1
    }
  }
  parts.push(text.slice(start))
  return parts
}
