import type { Template } from 'liquidjs'
import type { MissingName } from '../_missing-names.js'
import type { Pongo2Template } from './engine.js'
import { pathText, type Expr, type PathPart } from './expression.js'
import { AutoescapeTag, FirstofTag, SetTag, WithTag } from './tags-more.js'
import { ForTag, IfTag, OutputTag } from './tags.js'
import { isMap, kindOf } from './values.js'

/** What one walk over a parsed Pongo2 template finds (TPL-4, TPL-5, TPL-8). */
export interface Pongo2Names {
  /** Names that resolve nowhere and that the template does not guard, in source order (duplicates removed). */
  readonly missing: MissingName[]
  /** TPL-8 `requiredVariables`: context paths used (dotted, up to any `[…]`) and their roots; sorted, unique. */
  readonly required: string[]
  /** `{% for %}` loops over a value that is no list or map, with where they are. */
  readonly loopProblems: { readonly message: string; readonly offset: number }[]
}

/** A name the template binds (loop variable, `with`, `set`): its value in the sample, or `WILD` when unknown. */
const WILD = Symbol('wild')
type Binding = unknown

type Resolved = { readonly hit: true; readonly value: unknown } | { readonly hit: false } | { readonly hit: 'wild' }

/**
 * Walks a parsed Pongo2 template against `context` (the TPL-6 sample with the group's metaData on top) the way
 * validation needs (SPEC §16): every variable must resolve in the context or in a name the template binds, except
 * where the template guards it: `x|default:…` / `x|default_if_none:…`, names in an `{% if %}`/`{% elif %}`
 * condition (there and in that branch), `{% firstof %}` arguments. Loop variables take the first item of the
 * sample's list (lists vary per node: an index past the sample's end is accepted); paths through `groups`
 * (`vendor_data.groups.<label>…`, labels vary per node) are accepted unchecked, as TPL-5 does for Mustache.
 */
export function collectPongo2Names(template: Pongo2Template, context: Readonly<Record<string, unknown>>, groups: object | undefined): Pongo2Names {
  const walker = new Walker(context, groups)
  walker.nodes(template.nodes, [Object.create(null) as Record<string, Binding>], [], undefined)
  return {
    missing: [...walker.missing.values()],
    required: [...walker.required].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    loopProblems: walker.loopProblems,
  }
}

// --- internal ---

class Walker {
  readonly missing = new Map<string, MissingName>()
  readonly required = new Set<string>()
  readonly loopProblems: { message: string; offset: number }[] = []

  constructor(
    private readonly context: Readonly<Record<string, unknown>>,
    private readonly groups: object | undefined,
  ) {}

  nodes(nodes: readonly Template[], scopes: Record<string, Binding>[], guards: readonly string[], forloop: unknown): void {
    for (const node of nodes) this.node(node, scopes, guards, forloop)
  }

  private node(node: Template, scopes: Record<string, Binding>[], guards: readonly string[], forloop: unknown): void {
    if (node instanceof OutputTag) return this.expr(node.expr, scopes, guards)
    if (node instanceof IfTag) {
      for (const branch of node.branches) {
        const named = variablesOf(branch.condition).map(({ root, path }) => pathText(root, path))
        this.expr(branch.condition, scopes, [...guards, ...named])
        this.nodes(branch.body, scopes, [...guards, ...named], forloop)
      }
      if (node.otherwise !== undefined) this.nodes(node.otherwise, scopes, guards, forloop)
      return
    }
    if (node instanceof ForTag) return this.loop(node, scopes, guards, forloop)
    if (node instanceof WithTag) {
      const scope = Object.create(null) as Record<string, Binding>
      for (const pair of node.pairs) {
        this.expr(pair.expr, scopes, guards)
        scope[pair.name] = this.staticValue(pair.expr, scopes)
      }
      return this.nodes(node.body, [...scopes, scope], guards, forloop)
    }
    if (node instanceof SetTag) {
      this.expr(node.expr, scopes, guards)
      ;(scopes.at(-1) as Record<string, Binding>)[node.variable] = this.staticValue(node.expr, scopes)
      return
    }
    if (node instanceof FirstofTag) {
      for (const expr of node.exprs) this.expr(expr, scopes, [...guards, ...variablesOf(expr).map(({ root, path }) => pathText(root, path))])
      return
    }
    if (node instanceof AutoescapeTag) this.nodes(node.body, scopes, guards, forloop)
  }

  private loop(node: ForTag, scopes: Record<string, Binding>[], guards: readonly string[], outer: unknown): void {
    this.expr(node.iterable, scopes, guards)
    const value = this.staticValue(node.iterable, scopes)
    const offset = node.iterable.at
    const what = node.iterable.k === 'variable' ? pathText(node.iterable.root, node.iterable.path) : 'the value'
    const scope = Object.create(null) as Record<string, Binding>
    if (value !== WILD && value !== undefined && value !== null && !Array.isArray(value) && !isMap(value)) {
      this.loopProblems.push({ message: `{% for %} loops over ${what}, a ${kindOf(value)}; loops need a list or a map`, offset })
    } else if (node.value !== undefined && Array.isArray(value)) {
      this.loopProblems.push({ message: `{% for ${node.key}, ${node.value} %} needs a map; ${what} is a list`, offset })
    }
    if (value === WILD || (value !== undefined && value === this.groups)) {
      // TPL-5: names under a loop over the groups map (labels and their metaData vary per node) are not checked.
      scope[node.key] = WILD
      if (node.value !== undefined) scope[node.value] = WILD
    } else if (Array.isArray(value)) scope[node.key] = value.length > 0 ? value[0] : WILD
    else if (isMap(value)) {
      const first = Object.keys(value).sort()[0]
      scope[node.key] = first === undefined ? WILD : first
      if (node.value !== undefined) scope[node.value] = first === undefined ? WILD : value[first]
    } else {
      scope[node.key] = WILD
      if (node.value !== undefined) scope[node.value] = WILD
    }
    const forloop = { Counter: 1, Counter0: 0, Revcounter: 1, Revcounter0: 0, First: true, Last: true, Parentloop: outer ?? null }
    scope.forloop = forloop
    this.nodes(node.body, [...scopes, scope], guards, forloop)
    if (node.empty !== undefined) this.nodes(node.empty, scopes, guards, outer)
  }

  /** Checks every variable of `expr`; a `default`/`default_if_none` as first filter guards its variable. */
  private expr(expr: Expr, scopes: Record<string, Binding>[], guards: readonly string[]): void {
    switch (expr.k) {
      case 'literal':
        return
      case 'variable':
        return this.variable(expr.root, expr.path, scopes, guards)
      case 'filtered': {
        const first = expr.filters[0]?.name
        const guarded = (first === 'default' || first === 'default_if_none') && expr.base.k === 'variable'
        const extra = guarded && expr.base.k === 'variable' ? [pathText(expr.base.root, expr.base.path)] : []
        this.expr(expr.base, scopes, [...guards, ...extra])
        for (const filter of expr.filters) if (filter.arg !== undefined) this.expr(filter.arg, scopes, guards)
        return
      }
      case 'not':
      case 'negative':
        return this.expr(expr.operand, scopes, guards)
      case 'binary':
        this.expr(expr.left, scopes, guards)
        return this.expr(expr.right, scopes, guards)
    }
  }

  private variable(root: string, path: readonly PathPart[], scopes: Record<string, Binding>[], guards: readonly string[]): void {
    for (const part of path) if (part.k === 'subscript') this.expr(part.expr, scopes, guards)
    const text = pathText(root, path)
    const local = scopes.some((scope) => Object.hasOwn(scope, root))
    if (!local) {
      this.required.add(text)
      this.required.add(root)
    }
    if (this.resolve(root, path, scopes).hit !== false) return
    if (guards.some((guard) => text === guard || text.startsWith(`${guard}.`))) return
    if (!this.missing.has(text)) this.missing.set(text, { name: text, roots: this.visibleNames(scopes) })
  }

  private visibleNames(scopes: Record<string, Binding>[]): string[] {
    return [...new Set([...scopes.flatMap((scope) => Object.keys(scope)), ...Object.keys(this.context)])]
  }

  /** The sample value of a plain variable or literal (what a loop or `with` binds); `WILD` for anything else. */
  private staticValue(expr: Expr, scopes: Record<string, Binding>[]): unknown {
    if (expr.k === 'literal') return expr.value
    if (expr.k !== 'variable') return WILD
    const found = this.resolve(expr.root, expr.path, scopes)
    return found.hit === true ? found.value : found.hit === 'wild' ? WILD : undefined
  }

  private resolve(root: string, path: readonly PathPart[], scopes: Record<string, Binding>[]): Resolved {
    let value: unknown
    let scope: Record<string, Binding> | undefined
    for (let i = scopes.length - 1; i >= 0 && scope === undefined; i--) if (Object.hasOwn(scopes[i] as object, root)) scope = scopes[i]
    if (scope !== undefined) value = scope[root]
    else if (Object.hasOwn(this.context, root)) value = this.context[root]
    else return { hit: false }
    for (let i = 0; i < path.length; i++) {
      if (value === WILD) return { hit: 'wild' }
      if (value !== undefined && value === this.groups && i < path.length) return { hit: 'wild' }
      const part = path[i] as PathPart
      const key = part.k === 'key' ? part.name : part.k === 'index' ? part.index : literalKey(part.expr)
      if (key === undefined) return { hit: 'wild' }
      if (value === null || value === undefined) return { hit: false }
      if (Array.isArray(value) || typeof value === 'string') {
        if (typeof key !== 'number') return { hit: false }
        // Lists vary per node: an index past the sample's end may exist elsewhere.
        const items = typeof value === 'string' ? Array.from(value) : value
        if (key >= items.length) return { hit: 'wild' }
        value = items[key]
      } else if (isMap(value) && typeof key === 'string') {
        if (!Object.hasOwn(value, key)) return { hit: false }
        value = value[key]
      } else {
        return { hit: false }
      }
    }
    return value === WILD ? { hit: 'wild' } : { hit: true, value }
  }
}

/** A subscript that is a literal is a key (string) or an index (integer); anything else varies. */
function literalKey(expr: Expr): string | number | undefined {
  if (expr.k !== 'literal') return undefined
  return typeof expr.value === 'string' || (typeof expr.value === 'number' && Number.isInteger(expr.value)) ? expr.value : undefined
}

/** The variables an expression reads (not those inside subscripts or filter arguments). */
function variablesOf(expr: Expr): { root: string; path: readonly PathPart[] }[] {
  switch (expr.k) {
    case 'variable':
      return [{ root: expr.root, path: expr.path }]
    case 'filtered':
      return variablesOf(expr.base)
    case 'not':
    case 'negative':
      return variablesOf(expr.operand)
    case 'binary':
      return [...variablesOf(expr.left), ...variablesOf(expr.right)]
    default:
      return []
  }
}
