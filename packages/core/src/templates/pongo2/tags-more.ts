import type { Liquid, Template, TopLevelToken } from 'liquidjs'
import { TemplateSyntaxError } from '../_position.js'
import { evaluate } from './evaluate.js'
import type { Expr } from './expression.js'
import { parseBlock, Pongo2Tag, runNodes, type Pongo2TagToken, type RenderState } from './nodes.js'
import { isTrue, toText } from './values.js'

/** `{% comment %}…{% endcomment %}`: nothing is rendered (the body must still lex, as in Pongo2). */
export class CommentTag extends Pongo2Tag {
  constructor(token: Pongo2TagToken, remain: TopLevelToken[], liquid: Liquid) {
    super(token as never, remain, liquid)
    token.parser().expectEnd('{% comment %}')
    skipUntil(token, remain, 'endcomment')
  }

  run(): void {}
}

/** `{% autoescape on|off %}…{% endautoescape %}`: renders its body; escaping is always off (SPEC §16). */
export class AutoescapeTag extends Pongo2Tag {
  readonly body: Template[]

  constructor(token: Pongo2TagToken, remain: TopLevelToken[], liquid: Liquid) {
    super(token as never, remain, liquid)
    const parser = token.parser()
    const mode = parser.accept('ident')
    if (mode === undefined || (mode.value !== 'on' && mode.value !== 'off')) throw parser.error('{% autoescape %} takes on or off')
    parser.expectEnd('{% autoescape %}')
    this.body = parseBlock(token, remain, liquid, 'endautoescape').bodies[0] as Template[]
  }

  run(state: RenderState): void {
    runNodes(this.body, state)
  }
}

/** `{% with a=e b=e %}…{% endwith %}` or `{% with e as a %}…`: names for the body, evaluated outside it. */
export class WithTag extends Pongo2Tag {
  readonly pairs: { readonly name: string; readonly expr: Expr }[] = []
  readonly body: Template[]

  constructor(token: Pongo2TagToken, remain: TopLevelToken[], liquid: Liquid) {
    super(token as never, remain, liquid)
    const parser = token.parser()
    if (parser.remaining() === 0) throw parser.error('{% with %} needs at least one name=value')
    const oldStyle = token.code.some((t) => t.kind === 'keyword' && t.value === 'as')
    while (parser.remaining() > 0) {
      if (oldStyle) {
        const expr = parser.expression()
        if (!parser.accept('keyword', 'as')) throw parser.error("'as' expected in {% with %}")
        const name = parser.accept('ident')
        if (name === undefined) throw parser.error('a name was expected after as')
        this.pairs.push({ name: name.value, expr })
      } else {
        const name = parser.accept('ident')
        if (name === undefined) throw parser.error('a name was expected in {% with %}')
        if (!parser.accept('symbol', '=')) throw parser.error("'=' expected in {% with %}")
        this.pairs.push({ name: name.value, expr: parser.expression() })
      }
    }
    this.body = parseBlock(token, remain, liquid, 'endwith').bodies[0] as Template[]
  }

  run(state: RenderState): void {
    const values = this.pairs.map((pair) => [pair.name, evaluate(pair.expr, state.lookup, state.budget)] as const)
    state.scopes.push(Object.create(null) as Record<string, unknown>)
    try {
      for (const [name, value] of values) state.assign(name, value)
      runNodes(this.body, state)
    } finally {
      state.scopes.pop()
    }
  }
}

/** `{% set name = e %}`: a name for the rest of the enclosing block. */
export class SetTag extends Pongo2Tag {
  readonly variable: string
  readonly expr: Expr

  constructor(token: Pongo2TagToken, remain: TopLevelToken[], liquid: Liquid) {
    super(token as never, remain, liquid)
    const parser = token.parser()
    const name = parser.accept('ident')
    if (name === undefined) throw parser.error('{% set %} needs a name: {% set name = value %}')
    if (!parser.accept('symbol', '=')) throw parser.error("'=' expected in {% set %}")
    if (parser.remaining() === 0) throw parser.error('a value was expected after =')
    this.expr = parser.expression()
    parser.expectEnd('{% set %}')
    this.variable = name.value
  }

  run(state: RenderState): void {
    state.assign(this.variable, evaluate(this.expr, state.lookup, state.budget))
  }
}

/** `{% firstof a b "fallback" %}`: prints the first true value. */
export class FirstofTag extends Pongo2Tag {
  readonly exprs: Expr[] = []

  constructor(token: Pongo2TagToken, remain: TopLevelToken[], liquid: Liquid) {
    super(token as never, remain, liquid)
    const parser = token.parser()
    while (parser.remaining() > 0) this.exprs.push(parser.expression())
  }

  run(state: RenderState): void {
    for (const expr of this.exprs) {
      const value = evaluate(expr, state.lookup, state.budget)
      if (isTrue(value)) {
        state.write(toText(value))
        return
      }
    }
  }
}

const TEMPLATE_TAG_TEXT: Readonly<Record<string, string>> = {
  openblock: '{%',
  closeblock: '%}',
  openvariable: '{{',
  closevariable: '}}',
  openbrace: '{',
  closebrace: '}',
  opencomment: '{#',
  closecomment: '#}',
}

/** `{% templatetag openblock %}` and friends: prints template syntax literally (e.g. into a Jinja file). */
export class TemplateTagTag extends Pongo2Tag {
  readonly text: string

  constructor(token: Pongo2TagToken, remain: TopLevelToken[], liquid: Liquid) {
    super(token as never, remain, liquid)
    const parser = token.parser()
    const which = parser.accept('ident')
    if (which === undefined || !Object.hasOwn(TEMPLATE_TAG_TEXT, which.value)) {
      throw parser.error(`{% templatetag %} takes one of ${Object.keys(TEMPLATE_TAG_TEXT).join(', ')}`)
    }
    parser.expectEnd('{% templatetag %}')
    this.text = TEMPLATE_TAG_TEXT[which.value] as string
  }

  run(state: RenderState): void {
    state.write(this.text)
  }
}

/** A closing or middle tag with no open block (`{% endif %}` at top level). */
export class StrayTag extends Pongo2Tag {
  constructor(token: Pongo2TagToken, remain: TopLevelToken[], liquid: Liquid) {
    super(token as never, remain, liquid)
    throw new TemplateSyntaxError(`{% ${token.name} %} without an open block it belongs to`, token.begin)
  }

  run(): void {}
}

/** Consumes tokens up to `{% end %}` without building them (Pongo2 `SkipUntilTag`). */
function skipUntil(open: Pongo2TagToken, remain: TopLevelToken[], end: string): void {
  for (let token = remain.shift(); token !== undefined; token = remain.shift()) {
    const tag = token as unknown as Partial<Pongo2TagToken>
    if (tag.name === end) {
      ;(tag as Pongo2TagToken).parser().expectEnd(`{% ${end} %}`)
      return
    }
  }
  throw new TemplateSyntaxError(`{% ${open.name} %} is not closed with {% ${end} %}`, open.begin)
}
