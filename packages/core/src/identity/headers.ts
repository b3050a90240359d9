/** Request headers as Node gives them: lowercase names, repeated headers as arrays or joined with `, `. */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>

/**
 * Every value of header `name` (matched case-insensitively), repeated instances joined with `, ` in arrival order.
 * Returns `undefined` when the header is absent or holds only whitespace.
 */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  let raw = headers[name]
  if (raw === undefined) {
    // Node lowercases names; other callers (tests, fetch-style adapters) may not.
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name)
    raw = key === undefined ? undefined : headers[key]
  }
  if (raw === undefined) return undefined
  const joined = typeof raw === 'string' ? raw : raw.join(', ')
  return joined.trim() === '' ? undefined : joined
}
