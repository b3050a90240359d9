import { lookupIn, type MustacheToken } from './_mustache.js'

/**
 * For a template both engines read alike (only `{{ name }}` tags, SPEC §16 engine rule), the first printed value
 * that Mustache and Pongo2 would print differently, as a TPL-4 detail; `undefined` when every one prints the same
 * (strings, integers, lists, maps, nothing). Such a template renders as Mustache, so a value that Pongo2 would print otherwise
 * (a boolean is `true` in Mustache and `True` in Pongo2) means the author must say which engine was meant.
 * Values under a group-name path vary per node and are not checked (TPL-5).
 */
export function sharedTemplateDifference(tokens: readonly MustacheToken[], context: Readonly<Record<string, unknown>>): string | undefined {
  for (const [type, name] of tokens) {
    if (type !== 'name' && type !== '&') continue
    const found = lookupIn(context, name)
    if (found.hit !== true) continue
    const kind = differingKind(found.value)
    if (kind === undefined) continue
    return (
      `the template reads the same as Mustache and as Pongo2, but ${name} (${kind}) prints differently in each; ` +
      'name the engine on the first line with {{! engine: mustache }} or {# engine: pongo2 #}'
    )
  }
  return undefined
}

/** Strings, integers, lists, maps and nothing print alike in both engines (`pongo2/values.ts`); these do not. */
function differingKind(value: unknown): string | undefined {
  if (typeof value === 'boolean') return 'a boolean: true in Mustache, True in Pongo2'
  if (typeof value === 'number' && !Number.isInteger(value)) return 'a fraction: 1.5 in Mustache, 1.500000 in Pongo2'
  return undefined
}
