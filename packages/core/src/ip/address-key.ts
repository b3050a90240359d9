import { parseIp } from './ip.js'
import { plainIpv4Value } from './ipv4-int.js'

/**
 * The canonical text of an address for lookups (`FD00:0::1` and `fd00::1` meet), so SMD's spelling and the client
 * address of ID-1 agree; text that is not an IP is returned unchanged, so it simply matches nothing. Plain dotted
 * IPv4, the common case (every request and every SMD address), is already canonical and skips the parser.
 */
export function addressKey(text: string): string {
  return plainIpv4Value(text) !== undefined ? text : (parseIp(text)?.address ?? text)
}
