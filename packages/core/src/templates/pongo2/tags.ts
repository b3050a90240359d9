import type { Liquid, Template, TopLevelToken } from 'liquidjs'
import { TemplateSyntaxError } from '../_position.js'
import { evaluate } from './evaluate.js'
import type { Expr } from './expression.js'
import type { CodeToken } from './lexer.js'
import { parseBlock, Pongo2Tag, runNodes, type Pongo2TagToken, type RenderState } from './nodes.js'
import { isTrue, iterationOf, toText } from './values.js'

/** `{{ expression }}`: prints the value as Pongo2 does, never HTML-escaped (SPEC §16). */
export class OutputTag extends Pongo2Tag {
  readonly expr: Expr

  constructor(token: Pongo2TagToken, remain: TopLevelToken[], liquid: Liquid) {
    super(token as never, remain, liquid)
    const parser = token.parser()
    if (parser.remaining() === 0) throw new TemplateSyntaxError('{{ }} is empty: a value was expected', token.begin)
    this.expr = parser.expression()
    parser.expectEnd('{{ }}')
  }

  run(state: RenderState): void {
    const value = evaluate(this.expr, state.lookup, state.budget)
    state.write(toText(value))
  }
}

/** `{% if c %}…{% elif c %}…{% else %}…{% endif %}` with Pongo2's operators and truth. */
export class IfTag extends Pongo2Tag {
  /** Each condition with its body, in order. */
  readonly branches: { readonly condition: Expr; readonly body: Template[] }[] = []
  readonly otherwise: Template[] | undefined

  constructor(token: Pongo2TagToken, remain: TopLevelToken[], liquid: Liquid) {
    super(token as never, remain, liquid)
    const conditions = [condition(token, 'if')]
    const { bodies, middles } = parseBlock(token, remain, liquid, 'endif', ['elif', 'else'])
    let otherwise: Template[] | undefined
    middles.forEach((middle, i) => {
      const body = bodies[i + 1] as Template[]
      if (otherwise !== undefined) throw new TemplateSyntaxError(`{% ${middle.name} %} after {% else %}`, middle.begin)
      if (middle.name === 'elif') conditions.push(condition(middle, 'elif'))
      else {
        middle.parser().expectEnd('{% else %}')
        otherwise = body
      }
    })
    conditions.forEach((c, i) => this.branches.push({ condition: c, body: bodies[i] as Template[] }))
    this.otherwise = otherwise
  }

  run(state: RenderState): void {
    for (const branch of this.branches) {
      if (isTrue(evaluate(branch.condition, state.lookup, state.budget))) {
        runNodes(branch.body, state)
        return
      }
    }
    if (this.otherwise !== undefined) runNodes(this.otherwise, state)
  }
}

/**
 * `{% for x in e %}` or `{% for k, v in e %}`, optionally `reversed` and/or `sorted`, with `{% empty %}` and
 * `forloop.Counter`, `Counter0`, `Revcounter`, `Revcounter0`, `First`, `Last` and `Parentloop`. Maps iterate in
 * sorted key order (SPEC §16). Every iteration costs a budget step.
 */
export class ForTag extends Pongo2Tag {
  readonly key: string
  readonly value: string | undefined
  readonly iterable: Expr
  readonly reversed: boolean
  readonly sorted: boolean
  readonly body: Template[]
  readonly empty: Template[] | undefined

  constructor(token: Pongo2TagToken, remain: TopLevelToken[], liquid: Liquid) {
    super(token as never, remain, liquid)
    const parser = token.parser()
    const key = parser.accept('ident')
    if (key === undefined) throw parser.error('{% for %} needs a loop variable: {% for item in list %}')
    let value: CodeToken | undefined
    if (parser.accept('symbol', ',')) {
      value = parser.accept('ident')
      if (value === undefined) throw parser.error('a second loop variable was expected after the comma')
    }
    if (!parser.accept('keyword', 'in')) throw parser.error("'in' expected in {% for %}")
    if (parser.remaining() === 0) throw parser.error('{% for %} needs something to loop over after in')
    this.iterable = parser.expression()
    this.reversed = parser.accept('ident', 'reversed') !== undefined
    this.sorted = parser.accept('ident', 'sorted') !== undefined
    parser.expectEnd('{% for %}')
    this.key = key.value
    this.value = value?.value
    const { bodies, middles } = parseBlock(token, remain, liquid, 'endfor', ['empty'])
    if (middles.length > 1) throw new TemplateSyntaxError('{% empty %} may appear once in a {% for %}', (middles[1] as Pongo2TagToken).begin)
    for (const middle of middles) middle.parser().expectEnd('{% empty %}')
    this.body = bodies[0] as Template[]
    this.empty = bodies[1]
  }

  run(state: RenderState): void {
    const entries = iterationOf(evaluate(this.iterable, state.lookup, state.budget), this)
    if (entries === undefined || entries.length === 0) {
      if (this.empty !== undefined) runNodes(this.empty, state)
      return
    }
    const count = entries.length
    const loop = { Counter: 0, Counter0: 0, Revcounter: 0, Revcounter0: 0, First: true, Last: false, Parentloop: state.loops.at(-1) ?? null }
    state.scopes.push(Object.create(null) as Record<string, unknown>)
    state.loops.push(loop)
    try {
      state.assign('forloop', loop)
      for (let i = 0; i < count; i++) {
        state.budget.step()
        const [key, value] = entries[i] as readonly [unknown, unknown]
        state.assign(this.key, key)
        if (this.value !== undefined && value !== undefined) state.assign(this.value, value)
        loop.Counter = i + 1
        loop.Counter0 = i
        loop.Revcounter = count - i
        loop.Revcounter0 = count - i - 1
        loop.First = i === 0
        loop.Last = i === count - 1
        runNodes(this.body, state)
      }
    } finally {
      state.loops.pop()
      state.scopes.pop()
    }
  }
}

/** The condition after `if` or `elif`. */
function condition(token: Pongo2TagToken, name: string): Expr {
  const parser = token.parser()
  if (parser.remaining() === 0) throw new TemplateSyntaxError(`{% ${name} %} needs a condition`, token.begin)
  const expr = parser.expression()
  parser.expectEnd(`{% ${name} %}`)
  return expr
}
