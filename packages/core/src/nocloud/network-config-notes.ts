import type { InventoryIpAddress } from '../ports/inventory.js'

/**
 * Something the network-config of a node does not say as the operator might expect (issue 14): an address written
 * with a guessed prefix, an address left out, or a definition (or part of one) not used for this node.
 */
export interface NetworkConfigNote {
  readonly kind: 'guessed' | 'left-out' | 'ignored'
  /** The NC-9 interface name (`eth0`), when the note is about one. */
  readonly interface?: string
  /** The address as SMD lists it. */
  readonly address?: string
  /** SMD's network name of the address ("" when SMD names none). */
  readonly network?: string
  /** Why, in words, e.g. `outside HMN's IPv4 subnet 10.252.0.0/17`. */
  readonly reason: string
}

/** Addresses of one built network-config document, by outcome. */
export interface NetworkAddressCounts {
  /** Written with the prefix of their network's definition. */
  readonly defined: number
  /** Written with a guessed prefix (/24, or /64 for IPv6 with definitions): their network has no subnet defined. */
  readonly guessed: number
  /** Not written: outside their network's subnet, not an IP address, or a further address without definitions. */
  readonly leftOut: number
}

/** A built `/network-config` body with what it guessed and left out. */
export interface NetworkConfigDocument {
  readonly body: string
  /** True when built from network definitions; false for the NC-15 document of a node without any. */
  readonly fromDefinitions: boolean
  readonly addresses: NetworkAddressCounts
  readonly notes: readonly NetworkConfigNote[]
}

/** A note for an address written with a guessed prefix. */
export function guessedNote(iface: string, address: InventoryIpAddress, prefix: number, why: string): NetworkConfigNote {
  return { kind: 'guessed', interface: iface, address: address.ip, network: address.network, reason: `prefix /${prefix} guessed: ${why}` }
}

/** A note for an address left out of the document. */
export function leftOutNote(iface: string, address: InventoryIpAddress, why: string): NetworkConfigNote {
  return { kind: 'left-out', interface: iface, address: address.ip, network: address.network, reason: `left out: ${why}` }
}

/**
 * One line for people (render preview, logs): `eth1 10.100.0.26 (HSN): prefix /24 guessed: no definition for
 * network HSN`, or `networks.HMN.mtu must be between 68 and 65535` for a definition not used.
 */
export function describeNetworkConfigNote(note: NetworkConfigNote): string {
  if (note.address === undefined) return note.interface === undefined ? note.reason : `${note.interface}: ${note.reason}`
  const network = note.network ? ` (${note.network})` : ''
  return `${note.interface ?? ''} ${note.address}${network}: ${note.reason}`.trimStart()
}
