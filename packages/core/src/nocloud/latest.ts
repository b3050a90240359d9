import type { Metadata } from '../domain/metadata.js'

const RFC3339 = /^(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/

/**
 * An RFC 3339 timestamp as nanoseconds since the epoch. Fractions of any precision are kept (files written by
 * earlier versions carry nanoseconds, STO-1), so `…00.000000002Z` sorts after `…00.000000001Z`. Returns
 * `undefined` for text that is not RFC 3339.
 */
export function timestampNanos(text: string): bigint | undefined {
  const m = RFC3339.exec(text)
  if (!m) return undefined
  const seconds = Date.parse(`${m[1]}${m[3]}`)
  if (Number.isNaN(seconds)) return undefined
  const fraction = (m[2] ?? '').slice(0, 9).padEnd(9, '0')
  return BigInt(seconds) * 1_000_000n + BigInt(fraction)
}

/**
 * NC-7 order of two resources' metadata: positive when `a` is later. The higher `updatedAt` wins; ties go to the
 * later `createdAt`, then to the greater `uid`. An unparsable timestamp sorts before every valid one.
 */
export function compareLatest(a: Metadata, b: Metadata): number {
  return (
    compareTimestamps(a.updatedAt, b.updatedAt) ||
    compareTimestamps(a.createdAt, b.createdAt) ||
    (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0)
  )
}

/** The later of two resources by NC-7 ({@link compareLatest}); `current` may be absent. */
export function laterOf<T extends { readonly metadata: Metadata }>(current: T | undefined, next: T): T {
  return current === undefined || compareLatest(next.metadata, current.metadata) > 0 ? next : current
}

/** The NC-7 winner among `items`, or `undefined` for none. */
export function pickLatest<T extends { readonly metadata: Metadata }>(items: Iterable<T>): T | undefined {
  let best: T | undefined
  for (const item of items) best = laterOf(best, item)
  return best
}

// --- internal ---

function compareTimestamps(a: string, b: string): number {
  const x = timestampNanos(a)
  const y = timestampNanos(b)
  if (x === y) return 0
  if (x === undefined) return -1
  if (y === undefined) return 1
  return x > y ? 1 : -1
}
