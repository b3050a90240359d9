import type { BootDocumentKind } from './boot-states.js'

/** One address that asked for a NoCloud document and resolved to no node (the "node missing from SMD" failure). */
export interface UnknownAddress {
  readonly address: string
  /** Requests from it that answered `404 node not found`. */
  readonly requests: number
  /** Unix milliseconds. */
  readonly firstSeenAt: number
  readonly lastSeenAt: number
  /** The path of its latest request, e.g. `/meta-data` or `/compute.yaml`. */
  readonly lastPath: string
}

/** The bounded list of unknown addresses. */
export interface UnknownAddresses {
  /**
   * Counts one request from `address` for `document` (of `group`, for a group document) at `at` (Unix ms). O(1);
   * allocates only for a new address.
   */
  seen(address: string, document: BootDocumentKind, group: string | undefined, at: number): void
  /** Addresses kept, newest request first, at most `limit` of them. */
  list(limit?: number): UnknownAddress[]
  /** Addresses kept (at most the capacity). */
  readonly size: number
  /** Requests from addresses that found the list full and were not kept. */
  readonly dropped: number
  /** Requests counted from kept addresses. */
  readonly requests: number
  /** Changes whenever the list or a counter changes (for live views). */
  readonly version: number
  readonly capacity: number
}

interface Entry {
  readonly address: string
  requests: number
  readonly firstSeenAt: number
  lastSeenAt: number
  lastDocument: BootDocumentKind
  lastGroup: string | undefined
}

/**
 * The unknown-address list of the boot record (BOOT), capped at `capacity` addresses. The first `capacity`
 * addresses are kept (they are the ones an operator is looking for: the first nodes missing from SMD); requests
 * from any further address are only counted in `dropped`, so a flood from many addresses costs one Map lookup per
 * request and no memory.
 */
export function createUnknownAddresses(capacity: number): UnknownAddresses {
  const entries = new Map<string, Entry>()
  let dropped = 0
  let requests = 0
  let version = 0
  return {
    seen(address, document, group, at) {
      version += 1
      const entry = entries.get(address)
      if (entry !== undefined) {
        entry.requests += 1
        entry.lastSeenAt = at
        entry.lastDocument = document
        entry.lastGroup = group
        requests += 1
        return
      }
      if (entries.size >= capacity) {
        dropped += 1
        return
      }
      requests += 1
      entries.set(address, { address, requests: 1, firstSeenAt: at, lastSeenAt: at, lastDocument: document, lastGroup: group })
    },
    list(limit = capacity) {
      return [...entries.values()]
        .sort((a, b) => b.lastSeenAt - a.lastSeenAt || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0))
        .slice(0, limit)
        .map((e) => ({
          address: e.address,
          requests: e.requests,
          firstSeenAt: e.firstSeenAt,
          lastSeenAt: e.lastSeenAt,
          lastPath: e.lastDocument === 'group' ? `/${e.lastGroup ?? ''}.yaml` : `/${e.lastDocument}`,
        }))
    },
    get size() {
      return entries.size
    },
    get dropped() {
      return dropped
    },
    get requests() {
      return requests
    },
    get version() {
      return version
    },
    capacity,
  }
}
