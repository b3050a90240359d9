/** Go's duration units (time.ParseDuration), in seconds. */
const UNITS: Readonly<Record<string, number>> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 }

/**
 * Parses a timeout in seconds: a plain number (`30`, `2.5`), or a Go duration as the Go client's `--timeout` took
 * it (`30s`, `2m`, `1m30s`, `500ms`). Returns `undefined` for anything else.
 */
export function parseDurationSeconds(text: string): number | undefined {
  const trimmed = text.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed)
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(trimmed)) return undefined
  let seconds = 0
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    seconds += Number(amount) * (UNITS[unit as string] as number)
  }
  return seconds
}
