import type { Clock } from '../ports/clock.js'
import { DEFAULT_BOOT_STATUS_SETTINGS, type BootStatusSettings, type BootStatusSink } from './boot-states.js'
import { invalidQuery, type BootQuery } from './boot-query.js'
import type { BootAttentionView, BootChanges, BootCursor, BootNodeView, BootReplicaView, BootReport, BootSummary } from './boot-views.js'
import { BootRecord, type RosterNode } from './_record.js'
import { attentionOf, countsOf, groupCountsOf, iso, limitOf, matching, nodeView, unknownView } from './_views.js'

export type { RosterNode } from './_record.js'

/** Options of {@link createBootRecorder}. */
export interface BootRecorderOptions {
  readonly clock: Clock
  /** Defaults: {@link DEFAULT_BOOT_STATUS_SETTINGS}. */
  readonly settings?: Partial<BootStatusSettings>
  /** The process whose record this is (named in every answer). Default: `{ hostname: '', pid: 0 }`. */
  readonly replica?: { readonly hostname: string; readonly pid: number }
}

/** What a read may add from outside the record. */
export interface BootReadOptions {
  /** WireGuard peers by xname → tunnel address, where WireGuard is on (asked once per read, not per node). */
  readonly tunnelAddresses?: ReadonlyMap<string, string>
}

/** The boot record of one process (BOOT): fed per request, read by the API, the events, the page and metrics. */
export interface BootRecorder extends BootStatusSink {
  /**
   * Replaces the node list with the inventory's (see `RosterNode`): `listed(label)` says whether the group's
   * documents are in vendor-data (its Group has a template, NC-13), `groups` names every stored Group. O(nodes);
   * call it when the inventory or store generation changed, not per request.
   */
  setRoster(nodes: Iterable<RosterNode>, listed: (label: string) => boolean, groups: Iterable<string>): void
  /**
   * What {@link setRoster} would do with the nodes it was last given, when only the stored Groups changed: O(nodes)
   * over the record itself, without the inventory. Call {@link setRoster} first, and again after any inventory change.
   */
  setGroups(listed: (label: string) => boolean, groups: Iterable<string>): void
  /** `GET /boot-status`. Rejects an unknown `query.group` with VALIDATION_FAILED naming `group`. */
  report(query: BootQuery, options?: BootReadOptions): BootReport
  /** One node's record, or undefined when the record has no such node. */
  node(xname: string, options?: BootReadOptions): BootNodeView | undefined
  /**
   * Everything (no cursor, or one from before the node list last changed), else the nodes whose state changed after
   * `cursor`, in xname order, limited to `group` when given (unknown: VALIDATION_FAILED naming `group`).
   */
  changes(cursor: BootCursor | undefined, group?: string): BootChanges
  /** The counts `/metrics` shows. */
  summary(): BootSummary
  /** Size of the record: nodes, document entries, unknown addresses (for the benchmark and tests). */
  size(): { readonly nodes: number; readonly documents: number; readonly unknownAddresses: number }
}

/** Unknown addresses listed in each live event. */
const EVENT_UNKNOWN_LIMIT = 200

/**
 * Creates the boot record (BOOT, docs/spec-addendum.md): per node, a state machine over its requests (quiet-period
 * boot starts, `stuck` after `stuckAfterMs`, `failing`, `phoned-home`, `configured`), the bounded unknown-address
 * list, and incremental counts per state and per group. `record` is O(1) and allocates nothing once a node's
 * entries exist; reads are O(nodes) at most. Time comes from `clock` (reads) and from each observation (writes).
 */
export function createBootRecorder(options: BootRecorderOptions): BootRecorder {
  const { clock } = options
  const settings: BootStatusSettings = { ...DEFAULT_BOOT_STATUS_SETTINGS, ...options.settings }
  const record = new BootRecord(settings)
  const replica: BootReplicaView = { hostname: options.replica?.hostname ?? '', pid: options.replica?.pid ?? 0, startedAt: iso(clock.now()) }
  const settingsView = {
    quietPeriodSeconds: settings.quietPeriodMs / 1000,
    stuckAfterSeconds: settings.stuckAfterMs / 1000,
    maxUnknownAddresses: settings.maxUnknownAddresses,
  }
  const groupId = (group: string | undefined): number | undefined => {
    if (group === undefined) return undefined
    const gid = record.knownGroups.has(group) ? record.groupIdOf(group) : undefined
    if (gid === undefined) throw invalidQuery(`invalid query parameter group: unknown group ${JSON.stringify(group)}`)
    return gid
  }
  const now = () => {
    const at = clock.now()
    record.tick(at)
    return at
  }
  // Every open event stream asks each second: the attention list (a scan of every node) is kept per change sequence.
  let attention: { seq: number; gid: number | undefined; value: BootAttentionView[] } | undefined
  const attentionFor = (gid: number | undefined, inGroup: (slot: number) => boolean): BootAttentionView[] => {
    if (attention?.seq !== record.seq || attention.gid !== gid) {
      attention = { seq: record.seq, gid, value: attentionOf(record, gid === undefined ? record.order() : record.order().filter(inGroup)) }
    }
    return attention.value
  }

  return {
    record: (observation) => record.record(observation),
    setRoster: (nodes, listed, groups) => record.setRoster(nodes, listed, groups, clock.now()),
    setGroups: (listed, groups) => record.setGroups(listed, groups, clock.now()),
    report(query, read = {}) {
      const at = now()
      const slots = matching(record, query, groupId(query.group))
      const peers = read.tunnelAddresses
      return {
        replica,
        generatedAt: iso(at),
        settings: settingsView,
        summary: countsOf(record.counts),
        groups: groupCountsOf(record),
        nodes: slots.slice(0, limitOf(query)).map((slot) => nodeView(record, slot, peers?.get(record.nodes.xname[slot] as string))),
        matched: slots.length,
        unknownAddresses: unknownView(record),
      }
    },
    node(xname, read = {}) {
      now()
      const slot = record.slotOf(xname)
      return slot === undefined ? undefined : nodeView(record, slot, read.tunnelAddresses?.get(xname))
    },
    changes(cursor, group) {
      const at = now()
      const gid = groupId(group)
      const full = cursor === undefined || cursor.seq < record.layoutSeq
      const n = record.nodes
      const inGroup = (slot: number) => gid === undefined || (n.members[slot] as Int32Array).includes(gid)
      // Nothing changed since the cursor (the usual answer to a live view's poll): no scan at all.
      const unchanged = !full && cursor.seq === record.seq
      const slots = unchanged ? [] : record.order().filter((slot) => inGroup(slot) && (full || (n.changed[slot] as number) > cursor.seq))
      const unknownChanged = full || cursor.unknown !== record.unknown.version
      return {
        replica,
        generatedAt: iso(at),
        cursor: { seq: record.seq, unknown: record.unknown.version },
        full,
        ...(group === undefined ? {} : { group }),
        xnames: slots.map((slot) => n.xname[slot] as string),
        states: slots.map((slot) => String(n.state[slot])).join(''),
        summary: countsOf(record.counts),
        groups: groupCountsOf(record),
        attention: attentionFor(gid, inGroup),
        ...(unknownChanged ? { unknownAddresses: unknownView(record, EVENT_UNKNOWN_LIMIT) } : {}),
      }
    },
    summary() {
      now()
      return {
        summary: countsOf(record.counts),
        groups: groupCountsOf(record),
        unknownAddresses: record.unknown.size,
        unknownRequests: record.unknown.requests,
        unknownDropped: record.unknown.dropped,
      }
    },
    size: () => ({ nodes: record.nodes.live, documents: record.docs.live, unknownAddresses: record.unknown.size }),
  }
}
