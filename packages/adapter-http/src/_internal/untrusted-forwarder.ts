import type { IncomingHttpHeaders } from 'node:http'
import { normalizePeerAddress, type Logger } from '@metadata-service/core'

/** At most this many peers are remembered (and warned about), so a scan from many addresses cannot grow memory. */
const MAX_PEERS = 1024

/** The headers ID-3 would read from a trusted proxy. */
const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const

/**
 * §16 "deliberate differences explain themselves": the Go service believed `X-Forwarded-For` from anyone; here it
 * counts only from `trusted_proxies` (ID-2). Returns the check both request paths run for an untrusted peer: the
 * first request from a peer that carries forwarding headers logs one warning naming `trusted_proxies`; later ones
 * from that peer log nothing. After {@link MAX_PEERS} peers a last warning says further peers are not named.
 */
export function untrustedForwarderWarning(logger: Logger): (peer: string, headers: IncomingHttpHeaders) => void {
  const warned = new Set<string>()
  let full = false
  return (peer, headers) => {
    const header = FORWARDING_HEADERS.find((name) => headers[name] !== undefined)
    if (header === undefined || full) return
    const address = normalizePeerAddress(peer) ?? peer
    if (warned.has(address)) return
    if (warned.size >= MAX_PEERS) {
      full = true
      logger.warn(`forwarding headers ignored from more than ${MAX_PEERS} peers not in trusted_proxies; no further peers are named`)
      return
    }
    warned.add(address)
    logger.warn(
      `forwarding headers from ${address} ignored: it is not in trusted_proxies, so the connection's own address identifies the client; add the proxy's address to trusted_proxies if it is one`,
      { peer: address, header },
    )
  }
}
