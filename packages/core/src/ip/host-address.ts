import { parseIp, unmapIpv4, type ParsedIp } from './ip.js'

const PORT = /^\d{1,5}$/

/**
 * Parses an address as it appears in a socket, a forwarding header or a log: surrounding double quotes, `[…]`
 * brackets, a `:port` and an IPv6 `%zone` are stripped, and an IPv4-mapped IPv6 address becomes plain IPv4
 * (ID-1, ID-3). Accepted forms include `10.0.0.1`, `10.0.0.1:8080`, `2001:db8::1`, `[2001:db8::1]:8080`,
 * `fe80::1%eth0`, `::ffff:127.0.0.1` and `"[2001:db8::1]"`. Returns `undefined` when no address remains.
 */
export function parseHostAddress(text: string): ParsedIp | undefined {
  let host = text.trim()
  if (host.length >= 2 && host.startsWith('"') && host.endsWith('"')) host = host.slice(1, -1).trim()
  if (host.startsWith('[')) {
    const close = host.indexOf(']')
    if (close < 0) return undefined
    const rest = host.slice(close + 1)
    if (rest !== '' && !(rest.startsWith(':') && PORT.test(rest.slice(1)))) return undefined
    host = host.slice(1, close)
  } else {
    const colon = host.indexOf(':')
    // Exactly one colon can only be IPv4 with a port; a bare IPv6 address has at least two.
    if (colon >= 0 && colon === host.lastIndexOf(':')) {
      if (!PORT.test(host.slice(colon + 1))) return undefined
      host = host.slice(0, colon)
    }
  }
  const zone = host.indexOf('%')
  if (zone >= 0) {
    // A zone only qualifies an IPv6 address (RFC 6874); `10.0.0.1%eth0` is not an address.
    if (!host.includes(':')) return undefined
    host = host.slice(0, zone)
  }
  const ip = parseIp(host)
  return ip === undefined ? undefined : unmapIpv4(ip)
}

/**
 * ID-1: the canonical text of a socket peer address, with `::ffff:a.b.c.d` turned into `a.b.c.d` and any port,
 * zone or brackets dropped. Returns `undefined` when `text` holds no IP address (for example an empty string,
 * which Node gives for a destroyed socket).
 */
export function normalizePeerAddress(text: string): string | undefined {
  return parseHostAddress(text)?.address
}
