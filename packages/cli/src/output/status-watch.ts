import { BOOT_STATES, type BootChanges, type BootCounts } from '@metadata-service/core'
import { count, table } from './status-format.js'

/** What `status --watch` keeps between events. */
export interface WatchState {
  readonly event: BootChanges
  /** The latest unknown-address summary (events carry it only when it changed). */
  readonly unknown: BootChanges['unknownAddresses']
}

const BAR_WIDTH = 40
/** Clears the terminal and homes the cursor before each frame. */
export const CLEAR_SCREEN = '\u001B[H\u001B[2J'

/**
 * One frame of `status --watch` (BOOT): counts per state, a progress bar of configured (and phoned-home) nodes,
 * the newest stuck and failing nodes, and the unknown addresses.
 */
export function renderWatchFrame(state: WatchState): string {
  const { event, unknown } = state
  const counts: BootCounts = event.group === undefined ? event.summary : (event.groups[event.group] ?? event.summary)
  const done = counts.configured + counts['phoned-home']
  const filled = counts.nodes === 0 ? 0 : Math.round((BAR_WIDTH * done) / counts.nodes)
  const percent = counts.nodes === 0 ? 0 : Math.floor((100 * done) / counts.nodes)
  const lines = [
    `Boot status of ${event.group === undefined ? 'all nodes' : `group ${event.group}`} at ${event.generatedAt} (record of ${event.replica.hostname || 'the server'}, pid ${event.replica.pid})`,
    `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${counts.nodes} configured or phoned home (${percent}%)`,
    BOOT_STATES.map((s) => `${s} ${counts[s]}`).join('   '),
    '',
    event.attention.length === 0
      ? 'No stuck or failing nodes.'
      : `Newest stuck and failing nodes:\n${table(['XNAME', 'STATE', 'SINCE'], event.attention.map((a) => [a.xname, a.state, a.since]))}`,
  ]
  if (unknown !== undefined) {
    lines.push('', `Unknown addresses: ${unknown.addresses} (${count(unknown.requests, 'request')}${unknown.dropped > 0 ? `, ${unknown.dropped} dropped` : ''})`)
  }
  return `${lines.join('\n')}\n`
}

/** One event for scripts: everything but the per-node lists (which a snapshot of 100,000 nodes would make huge). */
export function watchRecord(state: WatchState): Record<string, unknown> {
  const { event, unknown } = state
  return {
    generatedAt: event.generatedAt,
    ...(event.group === undefined ? {} : { group: event.group }),
    summary: event.summary,
    ...(event.group === undefined ? {} : { groupSummary: event.groups[event.group] }),
    attention: event.attention,
    ...(unknown === undefined ? {} : { unknownAddresses: { addresses: unknown.addresses, requests: unknown.requests, dropped: unknown.dropped } }),
  }
}
