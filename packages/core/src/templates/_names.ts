import type { MissingName } from './_missing-names.js'
import { lookupIn, type Lookup, type MustacheToken } from './_mustache.js'

/** What one walk over a parsed template finds (TPL-4 steps 2–3, TPL-8). */
export interface TemplateNames {
  /** The first partial in source order (`{{> name}}`), if any. */
  readonly firstPartial: string | undefined
  /**
   * Variable names that do not resolve against the sample, in source order, each once. A section or inverted
   * section on a name that resolves nowhere is not missing: the template guards it (SPEC §16 TPL-1/TPL-2).
   */
  readonly missing: MissingName[]
  /** TPL-8 `requiredVariables`: tag names plus the roots of dotted names, without `.`, de-duplicated, sorted. */
  readonly required: string[]
}

/**
 * Sections nested deeper than this are not looked into. mustache.js overflows the call stack near 2,500 levels,
 * so such a template fails TPL-4 step 4 anyway; the cap bounds the work spent on it here.
 */
const MAX_DEPTH = 10_000

/** One view on the section stack; `wild` when its keys vary per node (TPL-5), so every name resolves in it. */
interface Scope {
  readonly value: unknown
  readonly wild: boolean
  readonly parent: Scope | undefined
  /** Memoised answers of `resolve` from this scope outward, as mustache.js's Context caches its lookups. */
  readonly cache: Map<string, Lookup>
}

const TAGS_WITH_NAMES = new Set(['name', '&', '#', '^'])

function scope(value: unknown, wild: boolean, parent: Scope | undefined): Scope {
  return { value, wild, parent, cache: new Map() }
}

const MISS: Lookup = { hit: false }
const WILD: Lookup = { hit: 'wild' }

/**
 * Resolves `name` from `from` outward (TPL-5): the item first, then enclosing sections, then the context. Each
 * scope memoises its outward answer, so nested sections cost O(1) per repeated name instead of O(depth).
 */
function resolve(name: string, from: Scope, groups: object | undefined): Lookup {
  if (name === '.') return { hit: true, value: from.value }
  const walked: Scope[] = []
  let found: Lookup = MISS
  for (let s: Scope | undefined = from; s; s = s.parent) {
    const cached = s.cache.get(name)
    if (cached) {
      found = cached
      break
    }
    walked.push(s)
    if (s.wild) {
      found = WILD
      break
    }
    const local = lookupIn(s.value, name, groups)
    if (local.hit !== false) {
      found = local
      break
    }
  }
  for (const s of walked) s.cache.set(name, found)
  return found
}

/** The view a `{{#name}}` section pushes, as seen by validation: lists are represented by their first item. */
function sectionScope(found: Lookup, parent: Scope, groups: object | undefined): Scope {
  if (found.hit === 'wild') return scope(undefined, true, parent)
  if (found.hit === false) return scope(undefined, false, parent)
  const value = Array.isArray(found.value) ? (found.value as unknown[])[0] : found.value
  return scope(value, value !== undefined && value === groups, parent)
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** The keys of every view from `from` outward: what a name's first segment could have been. */
function visibleNames(from: Scope): string[] {
  const names = new Set<string>()
  for (let s: Scope | undefined = from; s; s = s.parent) {
    if (typeof s.value === 'object' && s.value !== null && !Array.isArray(s.value)) for (const key of Object.keys(s.value)) names.add(key)
  }
  return [...names]
}

/**
 * Walks a parsed template against `context` (the TPL-6 sample). `groups` is the sample's
 * `vendor_data.groups` object: paths through it, and sections opened on it or through it, are accepted
 * unchecked, because group labels vary per node (TPL-5). Iterative, so deep nesting cannot overflow the stack.
 */
export function collectTemplateNames(tokens: MustacheToken[], context: unknown, groups: object | undefined): TemplateNames {
  let firstPartial: { name: string; start: number } | undefined
  const missing = new Map<string, MissingName>()
  const required = new Set<string>()
  const work: { tokens: MustacheToken[]; scope: Scope; depth: number }[] = [
    { tokens, scope: scope(context, false, undefined), depth: 0 },
  ]
  for (let item = work.pop(); item; item = work.pop()) {
    for (const token of item.tokens) {
      const [type, name, start] = token
      if (type === '>') {
        if (!firstPartial || start < firstPartial.start) firstPartial = { name, start }
        continue
      }
      if (!TAGS_WITH_NAMES.has(type)) continue
      if (name !== '.') {
        required.add(name)
        const dot = name.indexOf('.')
        if (dot > 0) required.add(name.slice(0, dot))
      }
      const found = resolve(name, item.scope, groups)
      if (found.hit === false && type !== '#' && type !== '^' && !missing.has(name)) {
        missing.set(name, { name, roots: visibleNames(item.scope) })
      }
      const children = token[4]
      if (Array.isArray(children) && item.depth < MAX_DEPTH) {
        // `{{^x}}` renders in the enclosing view; `{{#x}}` pushes the value of x.
        const inner = type === '#' ? sectionScope(found, item.scope, groups) : item.scope
        work.push({ tokens: children as MustacheToken[], scope: inner, depth: item.depth + 1 })
      }
    }
  }
  return {
    firstPartial: firstPartial?.name,
    missing: [...missing.values()],
    required: [...required].sort(byCodeUnit),
  }
}
