import { buildResourceIndex } from '../nocloud/resource-index.js'
import { walkInSlices, type SliceOptions } from '../_internal/slices.js'
import type { Inventory, InventoryNode } from '../ports/inventory.js'
import type { ResourceStore } from '../ports/resource-store.js'
import type { BootStatusSink } from './boot-states.js'
import type { BootQuery } from './boot-query.js'
import type { BootRecorder, RosterNode } from './boot-recorder.js'
import type { BootChanges, BootCursor, BootNodeView, BootReport, BootSummary } from './boot-views.js'

/**
 * Reads of a boot record (BOOT), asynchronous so that a worker of `--workers` can ask its primary's record over IPC
 * with the same interface. Rejections: VALIDATION_FAILED for an unknown group (naming `group`).
 */
export interface BootStatusReader {
  /** `GET /boot-status`. */
  report(query: BootQuery): Promise<BootReport>
  /** One node's record; undefined when the record has no such node. */
  node(xname: string): Promise<BootNodeView | undefined>
  /** The next event of `GET /boot-status/events` after `cursor` (everything without one). */
  changes(cursor: BootCursor | undefined, group?: string): Promise<BootChanges>
  /** The `/metrics` counts. */
  summary(): Promise<BootSummary>
}

/** A boot record fed per request and read through {@link BootStatusReader}. */
export interface BootStatus extends BootStatusSink, BootStatusReader {}

/** A {@link BootStatus} that keeps its node list current in the background. */
export interface BootStatusService extends BootStatus {
  /**
   * Loads the node list now and again within `pollMs` of every inventory or store generation change (default
   * 1000 ms), so requests find their node's memberships even when nobody reads the record. Resolves after the first
   * load with the function that stops the polling.
   */
  start(pollMs?: number): Promise<() => void>
}

/** What {@link createBootStatusService} keeps the record current from; `scheduler` and `clock` pace its inventory walks. */
export interface BootStatusServiceDeps extends Pick<SliceOptions, 'scheduler' | 'clock'> {
  readonly recorder: BootRecorder
  /** The nodes and their group labels. */
  readonly inventory: Inventory
  /** The Groups, to know which memberships have a template (vendor-data lists their documents, NC-13). */
  readonly store: ResourceStore
  /** WireGuard peers, xname → tunnel address, where WireGuard is on; asked once per read. */
  readonly tunnelAddresses?: () => ReadonlyMap<string, string>
}

const DEFAULT_POLL_MS = 1000

/**
 * The boot record of a serving process over its inventory and store. Before each read the record's node list is
 * brought up to date when the inventory or store generation changed (O(nodes), once per change, never per
 * request), so the counts per group and the `configured` rule follow SMD memberships and Group templates.
 * Concurrent reads share one refresh; a failed store read is retried on the next read and the old list kept.
 */
export function createBootStatusService(deps: BootStatusServiceDeps): BootStatusService {
  const { recorder, inventory, store } = deps
  let seen: string | undefined
  // What the record's node list and groups were last made from (issue 19): at 100,000 nodes a roster pass held the
  // event loop ~300 ms, so a store write that changes none of it (an InstanceInfo, a template's text) costs
  // nothing, and one that changes only the Groups costs a group pass over the record.
  let made: { readonly generation: number; readonly groups: string } | undefined
  let refreshing: Promise<void> | undefined

  const refresh = async (): Promise<void> => {
    const key = `${inventory.generation()}/${store.generation()}`
    if (key === seen) return
    refreshing ??= (async () => {
      try {
        const stored = await store.list('Group')
        // NC-7: of several Groups with one name, the latest decides whether vendor-data lists it.
        const index = buildResourceIndex({ clusterDefaults: [], instanceInfos: [], groups: stored })
        const names = new Set(stored.map((group) => group.metadata.name))
        const listed = new Set([...names].filter((name) => (index.group(name)?.spec.template ?? '') !== ''))
        const generation = inventory.generation()
        const groups = JSON.stringify([[...names].sort(), [...listed].sort()])
        const isListed = (label: string) => listed.has(label)
        if (generation !== made?.generation) recorder.setRoster(await walk(inventory.nodes()), isListed, names)
        else if (groups !== made.groups) recorder.setGroups(isListed, names)
        made = { generation, groups }
        seen = key
      } finally {
        refreshing = undefined
      }
    })()
    await refreshing
  }
  // At 100,000 nodes making every node object took ~half of a ~300 ms roster pass in one turn (issue 19): the walk
  // goes in slices, and the pass itself runs over the plain list. The nodes come from the snapshot `nodes()` was
  // called on, whatever replaces it meanwhile; a change since is noticed by the next refresh.
  const walk = async (nodes: Iterable<InventoryNode>): Promise<RosterNode[]> => {
    const roster: RosterNode[] = []
    await walkInSlices(nodes, (node) => roster.push({ xname: node.xname, groups: node.groups }), deps)
    return roster
  }
  const read = () => ({ ...(deps.tunnelAddresses === undefined ? {} : { tunnelAddresses: deps.tunnelAddresses() }) })

  return {
    async start(pollMs = DEFAULT_POLL_MS) {
      await refresh()
      const timer = setInterval(() => void refresh().catch(() => undefined), pollMs)
      // Never the reason a process stays alive.
      ;(timer as { unref?: () => void }).unref?.()
      return () => clearInterval(timer)
    },
    record: (observation) => recorder.record(observation),
    async report(query) {
      await refresh()
      return recorder.report(query, read())
    },
    async node(xname) {
      await refresh()
      return recorder.node(xname, read())
    },
    async changes(cursor, group) {
      await refresh()
      return recorder.changes(cursor, group)
    },
    async summary() {
      await refresh()
      return recorder.summary()
    },
  }
}
