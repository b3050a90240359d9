// One home for durations (issue 18): the Go service's flags and files (Go `time.ParseDuration`, plus plain seconds)
// and the boot-status `since`/`until` "ago" values, over one unit table.

/** Seconds per unit: Go's `time.ParseDuration` units, and `d` (days) where {@link parseDurationMs} accepts it. */
const UNIT_SECONDS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  'µs': 1e-6,
  'μs': 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
}
const GO_DURATION = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/
const GO_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g
const SIMPLE_DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/

/**
 * A duration as the Go service's flags and files gave them, in seconds: a plain number of seconds (`15`, `2.5`) or
 * a Go duration (`30s`, `1m30s`, `1.5h`, `500ms`, `-1s`; units ns, us/µs, ms, s, m, h). `undefined` for anything
 * else, including Go's bare `0` spelt with a unit-less fraction such as `1.5.2`.
 */
export function parseDurationSeconds(text: string): number | undefined {
  const trimmed = text.trim()
  if (trimmed === '') return undefined
  const plain = Number(trimmed)
  if (Number.isFinite(plain)) return plain
  const match = GO_DURATION.exec(trimmed)
  if (match === null) return undefined
  let total = 0
  for (const [, value, unit] of trimmed.matchAll(GO_PART)) total += Number(value) * (UNIT_SECONDS[unit as string] as number)
  return match[1] === '-' ? -total : total
}

/**
 * A boot-status duration such as `90s`, `15m`, `2h`, `1d` or `500ms` in milliseconds: one non-negative number and
 * one unit of ms, s, m, h, d; undefined for anything else.
 */
export function parseDurationMs(value: string): number | undefined {
  const duration = SIMPLE_DURATION.exec(value)
  return duration === null ? undefined : Number(duration[1]) * ((UNIT_SECONDS[duration[2] as string] as number) * 1000)
}
