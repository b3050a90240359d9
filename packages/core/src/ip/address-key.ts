import { parseIp } from './ip.js'

/**
 * The canonical text of an address for lookups (`FD00:0::1` and `fd00::1` meet), so SMD's spelling and the client
 * address of ID-1 agree; text that is not an IP is returned unchanged, so it simply matches nothing. Plain dotted
 * IPv4, the common case (every request and every SMD address), is already canonical and skips the parser.
 */
export function addressKey(text: string): string {
  return isPlainIpv4(text) ? text : (parseIp(text)?.address ?? text)
}

/** `a.b.c.d`, each 0–255 without leading zeros; by hand, as a regex test cost ~0.1 s per 100k-node sync. */
function isPlainIpv4(text: string): boolean {
  const n = text.length
  if (n < 7 || n > 15) return false
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
    if (digits === 0 || digits > 3 || value > 255 || (digits > 1 && text.charCodeAt(start) === 48)) return false
    octets++
    if (i === n) return octets === 4
    if (text.charCodeAt(i) !== 46 || octets === 4) return false
    i++
  }
  return false
}
