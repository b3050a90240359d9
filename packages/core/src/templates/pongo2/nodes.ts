import { Tag, Token, TokenKind, type Context, type Emitter, type Liquid, type Template, type TopLevelToken } from 'liquidjs'
import type { RenderBudget } from '../_budget.js'
import { TemplateSyntaxError } from '../_position.js'
import type { NameLookup } from './evaluate.js'
import { ExpressionParser } from './expression.js'
import type { CodeToken, Segment } from './lexer.js'

/** The LiquidJS tag name under which `{{ … }}` segments are parsed (no `{% %}` tag can be named so). */
export const OUTPUT_TAG = '{{'

/** Blocks may nest this deep; deeper is a syntax error (it bounds parse and render recursion). */
export const MAX_BLOCK_DEPTH = 100

/**
 * A `{% %}` or `{{ }}` segment handed to LiquidJS's parser as a tag token: LiquidJS's `parseToken` builds each
 * node with the tag class registered under its name, our own tokenizer having cut the segments with Pongo2's
 * rules. `code` holds the Pongo2 tokens after the tag name.
 */
export class Pongo2TagToken extends Token {
  readonly name: string
  readonly code: readonly CodeToken[]
  /** Offset of the closing `}}` or `%}`: where "something was expected" points. */
  readonly close: number

  constructor(input: string, segment: Extract<Segment, { type: 'output' | 'tag' }>) {
    super(TokenKind.Tag, input, segment.begin, segment.end)
    this.name = segment.type === 'output' ? OUTPUT_TAG : segment.name
    this.code = segment.code
    this.close = segment.close
  }

  /** A parser over this tag's code tokens. */
  parser(): ExpressionParser {
    return new ExpressionParser(this.code, this.close)
  }
}

/** A text segment as a LiquidJS HTML token: LiquidJS's text node keeps `getContent()` as the text it writes. */
export class Pongo2TextToken extends Token {
  constructor(input: string, begin: number, end: number) {
    super(TokenKind.HTML, input, begin, end)
  }

  getContent(): string {
    return this.getText()
  }
}

/**
 * Where a render writes and what it reads, passed to every node as its emitter, so our tags reach the budget, the
 * variable scopes and the context through it. Every write is charged to the budget first.
 */
export class RenderState implements Emitter {
  buffer = ''
  /** The template's own variables (loops, `with`, `set`), innermost last. */
  readonly scopes: Record<string, unknown>[] = [Object.create(null) as Record<string, unknown>]
  /** The enclosing loops' `forloop` objects, innermost last (for `forloop.Parentloop`). */
  readonly loops: object[] = []

  constructor(
    readonly context: Readonly<Record<string, unknown>>,
    readonly budget: RenderBudget,
  ) {}

  write(html: unknown): void {
    const text = String(html)
    this.budget.output(text.length)
    this.buffer += text
  }

  /** Looks a root name up: innermost scope first, then the context; own properties only (SEC-3). */
  readonly lookup: NameLookup = (name) => {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      this.budget.step()
      const scope = this.scopes[i] as Record<string, unknown>
      if (Object.hasOwn(scope, name)) return scope[name]
    }
    this.budget.step()
    return Object.hasOwn(this.context, name) ? this.context[name] : undefined
  }

  /**
   * Sets a variable in the innermost scope (`set`, loop variables). Scopes have no prototype, so every name,
   * `__proto__` included, is a plain own property.
   */
  assign(name: string, value: unknown): void {
    ;(this.scopes[this.scopes.length - 1] as Record<string, unknown>)[name] = value
  }
}

/** A node of ours: renders itself synchronously into the state. */
export interface Runnable {
  run(state: RenderState): void
}

/**
 * Renders `nodes` into `state`: our tags run themselves, LiquidJS's text nodes write their text. A synchronous
 * walk over the tree LiquidJS built, not LiquidJS's renderer: its generator-driven loop costs around a
 * microsecond per node, which would let a template hold the event loop for tens of milliseconds inside a budget
 * real templates need (SPEC §16 "Template cost"); this walk costs a fraction of that.
 */
export function runNodes(nodes: readonly Template[], state: RenderState): void {
  for (const node of nodes) {
    if (typeof (node as Partial<Runnable>).run === 'function') (node as unknown as Runnable).run(state)
    else state.write((node as unknown as { readonly str: string }).str)
  }
}

/** Base of our tags: LiquidJS's `render` entry point runs the same synchronous code as {@link runNodes}. */
export abstract class Pongo2Tag extends Tag implements Runnable {
  abstract run(state: RenderState): void

  render(_ctx: Context, emitter: Emitter): void {
    this.run(emitter as RenderState)
  }
}

/** Bodies of a block tag, cut at its middle and closing tags. */
export interface BlockParts {
  /** One body per section: the first after the opening tag, then one after each middle tag. */
  readonly bodies: Template[][]
  /** The middle tags in order (e.g. `elif`, `else`). */
  readonly middles: Pongo2TagToken[]
}

let depth = 0

/**
 * Parses the body of a block tag from `remain` up to `{% <end> %}`, cutting it at each tag named in `middles`,
 * with LiquidJS's `parseToken` for every node inside (what its `parseStream` does, without registering handlers
 * per block, which measured as the largest cost of parsing a large template). Blocks nest at most
 * {@link MAX_BLOCK_DEPTH} deep. @throws TemplateSyntaxError when the block is not closed.
 */
export function parseBlock(
  open: Pongo2TagToken,
  remain: TopLevelToken[],
  liquid: Liquid,
  end: string,
  middles: readonly string[] = [],
): BlockParts {
  if (depth >= MAX_BLOCK_DEPTH) throw new TemplateSyntaxError(`blocks nest more than ${MAX_BLOCK_DEPTH} deep`, open.begin)
  depth += 1
  try {
    const bodies: Template[][] = [[]]
    const cuts: Pongo2TagToken[] = []
    for (let token = remain.shift(); token !== undefined; token = remain.shift()) {
      const name = (token as unknown as Partial<Pongo2TagToken>).name
      if (name === end) {
        ;(token as unknown as Pongo2TagToken).parser().expectEnd(`{% ${end} %}`)
        return { bodies, middles: cuts }
      }
      if (name !== undefined && middles.includes(name)) {
        cuts.push(token as unknown as Pongo2TagToken)
        bodies.push([])
        continue
      }
      ;(bodies[bodies.length - 1] as Template[]).push(liquid.parser.parseToken(token, remain))
    }
    throw new TemplateSyntaxError(`{% ${open.name} %} is not closed with {% ${end} %}`, open.begin)
  } finally {
    depth -= 1
  }
}
