import { MetadataError, isMetadataError } from '../errors.js'
import { parseCidr } from '../ip/cidr.js'
import { intToIpv4 } from '../ip/ipv4-int.js'

/** The widest prefix that leaves room for a server and one client (network, server, client, broadcast). */
const MAX_PREFIX = 30

/** A parsed `wireguard_server` value (WG-1), e.g. `100.97.0.1/16`. Integers are unsigned 32-bit IPv4 values. */
export interface ParsedServerAddress {
  /** The server's tunnel IP, e.g. `100.97.0.1` (the WG-4 `server-ip`). */
  readonly serverIp: string
  /** The value to put on the interface, e.g. `100.97.0.1/16` (WG-2 `ip address replace`). */
  readonly interfaceCidr: string
  /** The client pool, e.g. `100.97.0.0/16`. */
  readonly networkCidr: string
  /** The network address, e.g. `100.97.0.0`. */
  readonly network: string
  readonly prefix: number
  /** The broadcast address, e.g. `100.97.255.255`. */
  readonly broadcast: string
  readonly serverInt: number
  readonly networkInt: number
  readonly broadcastInt: number
}

/**
 * Parses `wireguard_server` (WG-1): an IPv4 CIDR with a prefix of at most /30 whose host part is neither the network
 * nor the broadcast address. Throws `MetadataError('VALIDATION_FAILED')` with the message
 * `Invalid WIREGUARD_SERVER value: <detail>` (the text WG-1 logs); `details.detail` holds the detail alone.
 */
export function parseServerAddress(text: string): ParsedServerAddress {
  let cidr
  try {
    cidr = parseCidr(text)
  } catch (err) {
    if (isMetadataError(err)) throw invalidServer(err.message)
    throw err
  }
  if (cidr.family !== 4) throw invalidServer(`"${text}" is not an IPv4 CIDR`)
  if (cidr.prefix > MAX_PREFIX) {
    throw invalidServer(`prefix length /${cidr.prefix} leaves no client addresses (at most /${MAX_PREFIX})`)
  }
  const serverInt = Number(cidr.address.value)
  const networkInt = Number(cidr.network.value)
  const broadcastInt = networkInt + 2 ** (32 - cidr.prefix) - 1
  if (serverInt === networkInt) throw invalidServer(`${cidr.address.address} is the network address of ${cidr.text}`)
  if (serverInt === broadcastInt) throw invalidServer(`${cidr.address.address} is the broadcast address of ${cidr.text}`)
  return {
    serverIp: cidr.address.address,
    interfaceCidr: `${cidr.address.address}/${cidr.prefix}`,
    networkCidr: cidr.text,
    network: cidr.network.address,
    prefix: cidr.prefix,
    broadcast: intToIpv4(broadcastInt),
    serverInt,
    networkInt,
    broadcastInt,
  }
}

// --- internal ---

function invalidServer(detail: string): MetadataError {
  return new MetadataError('VALIDATION_FAILED', `Invalid WIREGUARD_SERVER value: ${detail}`, { details: { detail } })
}
