import type { BootState } from './boot-states.js'
import type { UnknownAddress } from './unknown-addresses.js'

// The JSON the boot record answers with (`GET /boot-status`, its events, the CLI `status`). Times are RFC 3339
// strings in UTC; fields that do not apply are left out rather than null.

/** Nodes per state, and in all. */
export type BootCounts = { readonly nodes: number } & { readonly [S in BootState]: number }

/** One document (or `/phone-home`) of a node's current boot. */
export interface BootDocumentView {
  /** `meta-data`, `user-data`, `vendor-data`, `network-config`, `phone-home`, or `<group>.yaml`. */
  readonly document: string
  /** First and latest answer in this boot. */
  readonly firstAt: string
  readonly lastAt: string
  /** Status of the latest answer. */
  readonly status: number
  /** The client address of the latest request. */
  readonly address: string
}

/** A node's boot record. */
export interface BootNodeView {
  readonly xname: string
  readonly state: BootState
  /** When it entered `state` (absent while it has been idle since the service started). */
  readonly stateSince?: string
  /** Its group labels (SMD memberships). */
  readonly groups: readonly string[]
  readonly bootStartedAt?: string
  readonly lastSeenAt?: string
  /** The document of its latest request, and that request's status. */
  readonly lastDocument?: string
  readonly lastStatus?: number
  /** Its latest client address. */
  readonly address?: string
  readonly phonedHomeAt?: string
  /** This boot's documents: the fixed ones first, then the group documents. */
  readonly documents: readonly BootDocumentView[]
  /** What `configured` still needs: documents not (or not successfully) fetched in this boot. */
  readonly missing: readonly string[]
  /** Where WireGuard is on: the node's peer, when it has one. */
  readonly wireguard?: { readonly tunnelAddress: string }
}

/** The unknown-address list (count, first and last time, last path per address). */
export interface UnknownAddressesView {
  /** Addresses kept. */
  readonly addresses: number
  /** Requests from them. */
  readonly requests: number
  /** Requests from further addresses, not kept because the list was full. */
  readonly dropped: number
  /** The most addresses kept (`boot_max_unknown_addresses`). */
  readonly capacity: number
  /** Newest request first. */
  readonly entries: readonly UnknownAddressEntryView[]
}

/** An {@link UnknownAddress} with RFC 3339 times. */
export type UnknownAddressEntryView = Omit<UnknownAddress, 'firstSeenAt' | 'lastSeenAt'> & {
  readonly firstSeenAt: string
  readonly lastSeenAt: string
}

/** The rules a record runs with, in seconds. */
export interface BootSettingsView {
  readonly quietPeriodSeconds: number
  readonly stuckAfterSeconds: number
  readonly maxUnknownAddresses: number
}

/** Which process's record answers (BOOT: with several replicas each knows only the requests it answered). */
export interface BootReplicaView {
  readonly hostname: string
  readonly pid: number
  /** When that process started its record. */
  readonly startedAt: string
}

/** The answer of `GET /boot-status`. */
export interface BootReport {
  readonly replica: BootReplicaView
  readonly generatedAt: string
  readonly settings: BootSettingsView
  readonly summary: BootCounts
  /** Per known group (inventory labels and stored Groups), by name. */
  readonly groups: Readonly<Record<string, BootCounts>>
  /** The nodes the query matched, in xname order, at most `limit`. */
  readonly nodes: readonly BootNodeView[]
  /** How many nodes matched (`nodes` may hold fewer). */
  readonly matched: number
  readonly unknownAddresses: UnknownAddressesView
}

/** Where a live view is: the change sequence and the unknown-address list version it has seen. */
export interface BootCursor {
  readonly seq: number
  readonly unknown: number
}

/** A node that needs attention, for live views. */
export interface BootAttentionView {
  readonly xname: string
  readonly state: BootState
  readonly since: string
}

/** One event of `GET /boot-status/events`: everything (`full`), or what changed since the caller's cursor. */
export interface BootChanges {
  readonly replica: BootReplicaView
  readonly generatedAt: string
  /** Pass this back to get the changes after it. */
  readonly cursor: BootCursor
  /** True when `xnames` is every node (of `group`) in xname order, not just the changed ones. */
  readonly full: boolean
  /** The group the node list is limited to, if any. */
  readonly group?: string
  readonly xnames: readonly string[]
  /** One character per entry of `xnames`: the index of its state in BOOT_STATES (`"0"`…`"5"`). */
  readonly states: string
  readonly summary: BootCounts
  readonly groups: Readonly<Record<string, BootCounts>>
  /** The newest stuck and failing nodes (of `group`), newest first, at most 10. */
  readonly attention: readonly BootAttentionView[]
  /** Present when the list changed since the cursor (and always when `full`); at most 200 entries. */
  readonly unknownAddresses?: UnknownAddressesView
}

/** The counts for `/metrics`. */
export interface BootSummary {
  readonly summary: BootCounts
  readonly groups: Readonly<Record<string, BootCounts>>
  readonly unknownAddresses: number
  readonly unknownRequests: number
  readonly unknownDropped: number
}
