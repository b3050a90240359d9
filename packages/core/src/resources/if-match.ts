/**
 * Parses an `If-Match` header value (RES-5): a quoted (`"3"`), weak (`W/"3"`) or bare (`3`) resourceVersion, or a
 * comma-separated list of them. Returns the versions any of which may match, or `undefined` when the header is
 * absent, blank or contains `*` (any current version: the write proceeds as last-write-wins).
 */
export function parseIfMatch(header: string | undefined): readonly string[] | undefined {
  if (header === undefined || header.trim() === '') return undefined
  const versions = header
    .split(',')
    .map((entry) => entry.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1'))
    .filter((entry) => entry !== '')
  if (versions.length === 0 || versions.includes('*')) return undefined
  return versions
}
