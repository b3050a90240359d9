/** Seconds per unit of a Go duration (`time.ParseDuration`). */
const UNITS: Readonly<Record<string, number>> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 }
const GO_DURATION = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g

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
  for (const [, value, unit] of trimmed.matchAll(PART)) total += Number(value) * (UNITS[unit as string] as number)
  return match[1] === '-' ? -total : total
}
