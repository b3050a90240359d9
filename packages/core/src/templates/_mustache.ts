import Mustache from 'mustache'
import type { RenderBudget } from './_budget.js'

/**
 * One mustache.js token: `[type, value, start, end, children?, sectionEnd?]`. Types: `text`, `name`, `&` (also
 * `{{{x}}}`), `#`, `^`, `>`, `!`, `=`. Section tokens (`#`, `^`) carry their children at index 4.
 */
export type MustacheToken = [string, string, number, number, ...unknown[]]

/**
 * The result of looking a name up in one view: found (possibly with a falsy value), not found, or `wild`: the
 * path ran through the `wildcard` object with segments left over, so it cannot be checked (TPL-5 group names).
 */
export type Lookup =
  | { readonly hit: true; readonly value: unknown }
  | { readonly hit: false }
  | { readonly hit: 'wild' }

const MISS: Lookup = { hit: false }
const WILD: Lookup = { hit: 'wild' }

/** Always the standard delimiters, whatever another caller may have set on the global `Mustache.tags`. */
const TAGS: [string, string] = ['{{', '}}']

/** TPL-2: output is YAML, so no tag form HTML-escapes. Values are stringified the way mustache.js appends them. */
const RENDER_CONFIG: Mustache.RenderOptions = { escape: (value: unknown) => String(value) }

/**
 * The budget of the render under way (issue 16 item 3): mustache.js renders synchronously and never re-enters,
 * so one slot is enough; `undefined` outside a render.
 */
let activeBudget: RenderBudget | undefined

type TokenRenderer = (this: Mustache.Writer, ...args: unknown[]) => unknown

/** Wraps a mustache.js writer method so every call is charged: `cost` gets the arguments and the result. */
function metered(name: string, cost: (args: unknown[], result: unknown) => void): TokenRenderer {
  const original = (Mustache.Writer.prototype as unknown as Record<string, TokenRenderer>)[name] as TokenRenderer
  return function (this: Mustache.Writer, ...args: unknown[]) {
    const result = original.apply(this, args)
    if (activeBudget !== undefined) cost(args, result)
    return result
  }
}

const written = (_args: unknown[], value: unknown) => activeBudget?.output(value === undefined || value === null ? 0 : String(value).length)

/**
 * A private writer with its cache switched off (the bounded cache in `_token-cache.ts` is the only one), whose
 * token loop charges a step per token (sections charge again per item, through this loop) and whose value and
 * text writers charge the characters they produce, so a nested-section bomb stops at the budget.
 */
const writer = Object.assign(new Mustache.Writer(), {
  templateCache: undefined,
  renderTokens: function (this: Mustache.Writer, ...args: unknown[]) {
    activeBudget?.step((args[0] as unknown[]).length)
    return (Mustache.Writer.prototype.renderTokens as unknown as TokenRenderer).apply(this, args)
  },
  rawValue: metered('rawValue', written),
  escapedValue: metered('escapedValue', written),
  unescapedValue: metered('unescapedValue', written),
})

/** True when `value` has an own property `key`. Strings count (own `length` and indices), as in mustache.js. */
function hasOwn(value: unknown, key: string): boolean {
  if (typeof value === 'string') return Object.hasOwn(Object(value), key)
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key)
}

/**
 * Looks `name` up in one view with mustache.js rules, restricted to own data properties (SEC-3, TPL-2): a name
 * with a dot after its first character is a path; any other name is a single key. Inherited members such as
 * `constructor` or `toString` never resolve, so a template can neither reach nor call built-in functions.
 * `wildcard` (validation only) is an object whose keys vary per node: a path through it answers `wild`.
 */
export function lookupIn(view: unknown, name: string, wildcard?: object): Lookup {
  if (name.indexOf('.') > 0) {
    const segments = name.split('.')
    let value = view
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i] as string
      if (!hasOwn(value, segment)) return MISS
      value = (value as Record<string, unknown>)[segment]
      if (value === wildcard && i < segments.length - 1) return WILD
    }
    return { hit: true, value }
  }
  // mustache.js resolves plain names only against objects, never against a pushed string or number.
  if (typeof view !== 'object' || view === null || !Object.hasOwn(view, name)) return MISS
  return { hit: true, value: (view as Record<string, unknown>)[name] }
}

/**
 * Innermost view first, then outward (TPL-2 "resolve the first segment innermost-first", as mustache.js). Each
 * view searched costs a budget step, so deep nesting cannot multiply the work unseen.
 */
function lookupOutward(view: unknown, parent: Mustache.Context | undefined, name: string): unknown {
  activeBudget?.step()
  const found = lookupIn(view, name)
  if (found.hit === true) return found.value
  for (let context = parent; context; context = context.parent) {
    activeBudget?.step()
    const outer = lookupIn(context.view, name)
    if (outer.hit === true) return outer.value
  }
  return undefined
}

/**
 * A mustache.js context that looks names up with {@link lookupIn} and never calls a function value: TPL-2 has no
 * lambdas, and our contexts are plain data, so a function can only be something that should not be there.
 */
class DataContext extends Mustache.Context {
  override push(view: unknown): Mustache.Context {
    return new DataContext(view, this)
  }

  override lookup(name: string): unknown {
    const value = name === '.' ? this.view : lookupOutward(this.view, this.parent, name)
    return typeof value === 'function' ? undefined : value
  }
}

/** Parses a template into its token tree, without caching. Throws mustache.js's own `Error` on bad syntax. */
export function parseMustache(template: string): MustacheToken[] {
  return writer.parse(template, TAGS) as MustacheToken[]
}

/**
 * Renders parsed tokens against `view` (TPL-2): no escaping, no partials (a `{{> p}}` renders nothing), no
 * lambdas. `template` is the source the tokens came from. With a `budget`, every token, lookup and character
 * written is charged to it as the render goes. Throws whatever mustache.js throws, and `BudgetExceeded`.
 */
export function renderMustache(tokens: MustacheToken[], template: string, view: unknown, budget?: RenderBudget): string {
  activeBudget = budget
  try {
    return writer.renderTokens(tokens as unknown as string[][], new DataContext(view), undefined, template, RENDER_CONFIG)
  } finally {
    activeBudget = undefined
  }
}
