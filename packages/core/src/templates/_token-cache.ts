import { parseMustache, type MustacheToken } from './_mustache.js'

/** At most this many compiled templates are kept (TPL-2 "cached per version"). */
const MAX_ENTRIES = 256
/** And at most this many template characters in total, so 1 MiB templates cannot pin unbounded memory. */
const MAX_CHARS = 4 * 1024 * 1024

/**
 * Compiled templates keyed by their source text: a template's version is the hash of that text (TPL-8), so one
 * entry per text is one entry per version. Least recently used entries go first. mustache.js's own cache is
 * unbounded, which is why the writer's cache is off (`_mustache.ts`).
 */
const cache = new Map<string, MustacheToken[]>()
let cachedChars = 0

/** The parsed tokens of `template`, from the cache when present. Throws mustache.js's parse `Error`. */
export function compiledTemplate(template: string): MustacheToken[] {
  const hit = cache.get(template)
  if (hit) {
    // Re-insert to mark as most recently used (Map keeps insertion order).
    cache.delete(template)
    cache.set(template, hit)
    return hit
  }
  const tokens = parseMustache(template)
  if (template.length <= MAX_CHARS) {
    cache.set(template, tokens)
    cachedChars += template.length
    for (const key of cache.keys()) {
      if (cache.size <= MAX_ENTRIES && cachedChars <= MAX_CHARS) break
      cache.delete(key)
      cachedChars -= key.length
    }
  }
  return tokens
}

/** Number of cached templates and their total length in characters; for tests. */
export function compiledTemplateCacheSize(): { entries: number; chars: number } {
  return { entries: cache.size, chars: cachedChars }
}
