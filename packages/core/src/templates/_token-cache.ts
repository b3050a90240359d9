import { LRUCache } from 'lru-cache'
import { parseMustache, type MustacheToken } from './_mustache.js'

/** At most this many compiled templates are kept (TPL-2 "cached per version"). */
const MAX_ENTRIES = 256
/** And at most this many template characters in total, so 1 MiB templates cannot pin unbounded memory. */
const MAX_CHARS = 4 * 1024 * 1024

/**
 * Compiled templates keyed by their source text: a template's version is the hash of that text (TPL-8), so one
 * entry per text is one entry per version. Least recently used entries go first, by count and by total length
 * (lru-cache, issue 17: this was a hand-written Map LRU); a template longer than MAX_CHARS is compiled and not kept.
 * mustache.js's own cache is unbounded, which is why the writer's cache is off (`_mustache.ts`).
 */
const cache = new LRUCache<string, MustacheToken[]>({
  max: MAX_ENTRIES,
  maxSize: MAX_CHARS,
  maxEntrySize: MAX_CHARS,
  // lru-cache sizes are positive integers: the empty template counts as one character.
  sizeCalculation: (_tokens, template) => Math.max(1, template.length),
})

/** The parsed tokens of `template`, from the cache when present. Throws mustache.js's parse `Error`. */
export function compiledTemplate(template: string): MustacheToken[] {
  const hit = cache.get(template)
  if (hit !== undefined) return hit
  const tokens = parseMustache(template)
  cache.set(template, tokens)
  return tokens
}

/** Number of cached templates and their total length in characters; for tests. */
export function compiledTemplateCacheSize(): { entries: number; chars: number } {
  return { entries: cache.size, chars: cache.calculatedSize }
}
