import type { AnyResource } from '../domain/kinds.js'

/**
 * RES-1 list order: `metadata.createdAt` as an instant, then `uid`. Timestamps are compared by value, not as
 * strings, because files from earlier versions mix nanosecond (`…01.500000001Z`) and millisecond (`…01.5Z`)
 * forms; an unparsable timestamp sorts first. Use with `Array.prototype.sort`.
 */
export function compareResourceOrder(a: AnyResource, b: AnyResource): number {
  const [am, af] = instant(a.metadata.createdAt)
  const [bm, bf] = instant(b.metadata.createdAt)
  if (am !== bm) return am < bm ? -1 : 1
  if (af !== bf) return af < bf ? -1 : 1
  return a.metadata.uid < b.metadata.uid ? -1 : a.metadata.uid > b.metadata.uid ? 1 : 0
}

// --- internal ---

/** Unix ms of the whole second and the fraction digits (padded to 9) of an RFC 3339 time. */
function instant(timestamp: string): [number, string] {
  const fraction = /\.(\d+)/.exec(timestamp)?.[1] ?? ''
  const ms = Date.parse(timestamp.replace(/\.\d+/, ''))
  return [Number.isNaN(ms) ? -Infinity : ms, fraction.padEnd(9, '0')]
}
