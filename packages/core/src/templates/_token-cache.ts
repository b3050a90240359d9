import { LRUCache } from 'lru-cache'
import { parseMustache, type MustacheToken } from './_mustache.js'
import { parsePongo2, type Pongo2Template } from './pongo2/engine.js'
import { classifyTemplate, type TemplateClassification } from './template-kind.js'

/** At most this many compiled templates are kept (TPL-2 "cached per version"). */
const MAX_ENTRIES = 256
/** And at most this many template characters in total, so large templates cannot pin unbounded memory. */
const MAX_CHARS = 4 * 1024 * 1024

/** A template's engine decision with its parsed form, or the parse error (both are facts of the text). */
export interface CompiledTemplate {
  readonly classification: TemplateClassification
  /** Set for `mustache` templates that parse. */
  readonly mustache?: MustacheToken[]
  /** Set for `pongo2` templates that parse. */
  readonly pongo2?: Pongo2Template
  /** What the parser threw, when it did. */
  readonly error?: unknown
}

/**
 * Compiled templates keyed by their source text: a template's version is the hash of that text (TPL-8), so one
 * entry per text is one entry per version. Least recently used entries go first, by count and by total length
 * (lru-cache, issue 17: this was a hand-written Map LRU); a template longer than MAX_CHARS is compiled and not kept.
 * mustache.js's own cache is unbounded, which is why the writer's cache is off (`_mustache.ts`); LiquidJS's is off
 * too (`pongo2/engine.ts`).
 */
const cache = new LRUCache<string, CompiledTemplate>({
  max: MAX_ENTRIES,
  maxSize: MAX_CHARS,
  maxEntrySize: MAX_CHARS,
  // lru-cache sizes are positive integers: the empty template counts as one character.
  sizeCalculation: (_compiled, template) => Math.max(1, template.length),
})

/** The engine and parsed form of `template`, from the cache when present. Never throws: a parse error is kept. */
export function compiledTemplate(template: string): CompiledTemplate {
  const hit = cache.get(template)
  if (hit !== undefined) return hit
  const compiled = compileTemplate(template)
  cache.set(template, compiled)
  return compiled
}

/** Number of cached templates and their total length in characters; for tests. */
export function compiledTemplateCacheSize(): { entries: number; chars: number } {
  return { entries: cache.size, chars: cache.calculatedSize }
}

/** The engine and parsed form of `template`, without the cache (validation of texts that may never be stored). */
export function compileTemplate(template: string): CompiledTemplate {
  const classification = classifyTemplate(template)
  try {
    switch (classification.kind) {
      case 'mustache':
        return { classification, mustache: parseMustache(template) }
      case 'pongo2':
        return { classification, pongo2: parsePongo2(template, classification.start) }
      default:
        return { classification }
    }
  } catch (error) {
    return { classification, error }
  }
}
