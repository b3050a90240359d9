// Part of the hand-written JSON Patch (patch-json.ts has why it is kept, issue 17). Stricter than the libraries:
// `~` must be followed by 0 or 1, and an array index has no leading zero.
/**
 * Parses an RFC 6901 JSON Pointer into unescaped reference tokens (`~1` → `/`, `~0` → `~`). `""` is the whole
 * document (no tokens). Returns `undefined` for a malformed pointer (no leading `/`, or `~` not followed by 0 or 1).
 */
export function parseJsonPointer(pointer: string): string[] | undefined {
  if (pointer === '') return []
  if (!pointer.startsWith('/')) return undefined
  const tokens = pointer.slice(1).split('/')
  if (tokens.some((t) => /~(?![01])/.test(t))) return undefined
  return tokens.map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'))
}

/** An RFC 6901 array index: `0` or digits without a leading zero; `undefined` otherwise (including `-`). */
export function parseArrayIndex(token: string): number | undefined {
  return /^(0|[1-9][0-9]*)$/.test(token) ? Number(token) : undefined
}
