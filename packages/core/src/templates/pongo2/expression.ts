import { TemplateSyntaxError } from '../_position.js'
import { checkFilter } from './filters.js'
import type { CodeToken } from './lexer.js'
import { floatOf, type FloatValue } from './values.js'

/** Deepest nesting of an expression (parentheses, right-grouping operators, subscripts): bounds every recursion over it. */
export const MAX_EXPRESSION_DEPTH = 64

/** One step of a variable path: `.name`, `.0`, or `[expression]`. */
export type PathPart =
  | { readonly k: 'key'; readonly name: string }
  | { readonly k: 'index'; readonly index: number }
  | { readonly k: 'subscript'; readonly expr: Expr }

/** A filter applied with `|name` or `|name:argument`. */
export interface FilterCall {
  readonly name: string
  readonly arg: Expr | undefined
  readonly at: number
}

/** A parsed Pongo2 expression. `at` is the offset of its first token. */
export type Expr =
  | { readonly k: 'literal'; readonly value: string | number | boolean | FloatValue; readonly at: number }
  | { readonly k: 'variable'; readonly root: string; readonly path: readonly PathPart[]; readonly at: number }
  | { readonly k: 'filtered'; readonly base: Expr; readonly filters: readonly FilterCall[]; readonly at: number }
  | { readonly k: 'not' | 'negative'; readonly operand: Expr; readonly at: number }
  | { readonly k: 'binary'; readonly op: string; readonly left: Expr; readonly right: Expr; readonly at: number }

/**
 * Parses the tokens of a tag or variable with Pongo2 v6's grammar and precedence (`parser_expression.go`), quirks
 * included, so conditions decide as they did in the Go service:
 *
 * - `and`/`or` (also `&&`/`||`) share one level and group to the right: `a and b or c` is `a and (b or c)`;
 * - comparisons (`== != <> < > <= >=`) group to the right; `in` takes an additive expression on its right;
 * - `not`/`!` and a leading `-` apply to the first term of an additive expression: `not a == b` is `(not a) == b`;
 * - `+ -`, then `* / %` group to the left, `^` to the right; parentheses group;
 * - operands are literals (integers, `1.5`, strings, `true`, `false`) or variables (`a.b`, `a.0`, `a[expr]`),
 *   each with `|filter` or `|filter:argument` (the argument a literal or a variable).
 *
 * Function calls (`a()`) are refused: templates never call code (SEC-3).
 */
export class ExpressionParser {
  private index = 0
  private depth = 0

  /**
   * @param tokens the tokens to read
   * @param end offset of the tag's closing delimiter, for "unexpected end" positions
   */
  constructor(
    private readonly tokens: readonly CodeToken[],
    private readonly end: number,
  ) {}

  /** Tokens not consumed yet. */
  remaining(): number {
    return this.tokens.length - this.index
  }

  /** The next token, if any, without consuming it. */
  peek(): CodeToken | undefined {
    return this.tokens[this.index]
  }

  /** Consumes and returns the next token when it has this kind (and value). */
  accept(kind: CodeToken['kind'], value?: string): CodeToken | undefined {
    const token = this.tokens[this.index]
    if (token === undefined || token.kind !== kind || (value !== undefined && token.value !== value)) return undefined
    this.index += 1
    return token
  }

  /** A syntax error at the next token (or the end of the tag). */
  error(message: string): TemplateSyntaxError {
    return new TemplateSyntaxError(message, this.peek()?.offset ?? this.end)
  }

  /** Throws unless every token was consumed. */
  expectEnd(what: string): void {
    const next = this.peek()
    if (next !== undefined) throw new TemplateSyntaxError(`unexpected '${next.value}' in ${what}`, next.offset)
  }

  /** Expression := Relational (('and'|'or'|'&&'|'||') Expression)? */
  expression(): Expr {
    return this.nested(() => this.logical())
  }

  /** Runs a recursive rule, refusing more than {@link MAX_EXPRESSION_DEPTH} levels (bounds the stack). */
  private nested(rule: () => Expr): Expr {
    this.depth += 1
    try {
      if (this.depth > MAX_EXPRESSION_DEPTH) throw this.error(`the expression nests more than ${MAX_EXPRESSION_DEPTH} deep`)
      return rule()
    } finally {
      this.depth -= 1
    }
  }

  private logical(): Expr {
    const left = this.relational()
    const op = this.accept('keyword', 'and') ?? this.accept('keyword', 'or') ?? this.accept('symbol', '&&') ?? this.accept('symbol', '||')
    if (op === undefined) return left
    const logical = op.value === '&&' ? 'and' : op.value === '||' ? 'or' : op.value
    return { k: 'binary', op: logical, left, right: this.nested(() => this.logical()), at: left.at }
  }

  /** Relational := Simple (RelOp Relational | 'in' Simple)? */
  private relational(): Expr {
    const left = this.simple()
    for (const op of ['==', '<=', '>=', '!=', '<>', '>', '<']) {
      if (this.accept('symbol', op)) return { k: 'binary', op: op === '<>' ? '!=' : op, left, right: this.nested(() => this.relational()), at: left.at }
    }
    if (this.accept('keyword', 'in')) return { k: 'binary', op: 'in', left, right: this.simple(), at: left.at }
    return left
  }

  /** Simple := ('+'|'-')? ('!'|'not')? Term (('+'|'-') Term)* */
  private simple(): Expr {
    const at = this.peek()?.offset ?? this.end
    const sign = this.accept('symbol', '+') ?? this.accept('symbol', '-')
    const negate = this.accept('symbol', '!') ?? this.accept('keyword', 'not')
    let expr = this.term()
    if (negate) expr = { k: 'not', operand: expr, at }
    if (sign?.value === '-') expr = { k: 'negative', operand: expr, at }
    for (let terms = 1; ; terms++) {
      const op = this.accept('symbol', '+') ?? this.accept('symbol', '-')
      if (op === undefined) return expr
      if (terms >= MAX_EXPRESSION_DEPTH) throw this.error(`the expression chains more than ${MAX_EXPRESSION_DEPTH} operations`)
      expr = { k: 'binary', op: op.value, left: expr, right: this.term(), at }
    }
  }

  /** Term := Power (('*'|'/'|'%') Power)* */
  private term(): Expr {
    let expr = this.power()
    for (let factors = 1; ; factors++) {
      const op = this.accept('symbol', '*') ?? this.accept('symbol', '/') ?? this.accept('symbol', '%')
      if (op === undefined) return expr
      if (factors >= MAX_EXPRESSION_DEPTH) throw this.error(`the expression chains more than ${MAX_EXPRESSION_DEPTH} operations`)
      expr = { k: 'binary', op: op.value, left: expr, right: this.power(), at: expr.at }
    }
  }

  /** Power := Factor ('^' Power)? */
  private power(): Expr {
    const base = this.factor()
    if (!this.accept('symbol', '^')) return base
    return { k: 'binary', op: '^', left: base, right: this.nested(() => this.power()), at: base.at }
  }

  /** Factor := '(' Expression ')' | Operand ('|' Filter)* */
  private factor(): Expr {
    if (this.accept('symbol', '(')) {
      const inner = this.expression()
      if (!this.accept('symbol', ')')) throw this.error("')' expected after the expression")
      return inner
    }
    const base = this.operand()
    const filters: FilterCall[] = []
    while (this.accept('symbol', '|')) filters.push(this.filter())
    return filters.length === 0 ? base : { k: 'filtered', base, filters, at: base.at }
  }

  private filter(): FilterCall {
    const name = this.accept('ident')
    if (name === undefined) throw this.error('filter name expected after |')
    let arg: Expr | undefined
    if (this.accept('symbol', ':')) {
      if (this.remaining() === 0) throw this.error(`argument expected after ${name.value}:`)
      arg = this.operand()
    }
    const problem = checkFilter(name.value, arg !== undefined)
    if (problem !== undefined) throw new TemplateSyntaxError(problem, name.offset)
    return { name: name.value, arg, at: name.offset }
  }

  /** Operand := Number ('.' Number)? | String | 'true' | 'false' | Identifier Path* */
  operand(): Expr {
    const token = this.peek()
    if (token === undefined) throw this.error('unexpected end: a value was expected')
    this.index += 1
    switch (token.kind) {
      case 'number': {
        // Pongo2 has no float tokens: `1.5` is a number, a dot and a number at the start of an operand.
        if (this.peek()?.value === '.' && this.tokens[this.index + 1]?.kind === 'number') {
          const fraction = this.tokens[this.index + 1] as CodeToken
          this.index += 2
          return { k: 'literal', value: floatOf(Number(`${token.value}.${fraction.value}`)), at: token.offset }
        }
        const value = Number(token.value)
        if (!Number.isSafeInteger(value)) throw new TemplateSyntaxError(`number ${token.value} is too large`, token.offset)
        return { k: 'literal', value, at: token.offset }
      }
      case 'string':
        return { k: 'literal', value: token.value, at: token.offset }
      case 'keyword':
        if (token.value === 'true' || token.value === 'false') return { k: 'literal', value: token.value === 'true', at: token.offset }
        throw new TemplateSyntaxError(`'${token.value}' is not allowed here`, token.offset)
      case 'ident':
        return { k: 'variable', root: token.value, path: this.path(), at: token.offset }
      case 'symbol':
        throw new TemplateSyntaxError(`a value was expected, found '${token.value}'`, token.offset)
    }
  }

  private path(): PathPart[] {
    const parts: PathPart[] = []
    for (;;) {
      if (this.accept('symbol', '.')) {
        const next = this.accept('ident') ?? this.accept('number')
        if (next === undefined) throw this.error('a name or index was expected after the dot')
        parts.push(next.kind === 'number' ? { k: 'index', index: Number(next.value) } : { k: 'key', name: next.value })
      } else if (this.accept('symbol', '[')) {
        const expr = this.expression()
        if (!this.accept('symbol', ']')) throw this.error("']' expected after the subscript")
        parts.push({ k: 'subscript', expr })
      } else if (this.peek()?.value === '(' && this.peek()?.kind === 'symbol') {
        throw this.error('templates cannot call functions')
      } else {
        return parts
      }
    }
  }
}

/** The dotted text of a variable path up to its first subscript (`a.b.0`), for messages and `requiredVariables`. */
export function pathText(root: string, path: readonly PathPart[]): string {
  let text = root
  for (const part of path) {
    if (part.k === 'subscript') break
    text += `.${part.k === 'key' ? part.name : part.index}`
  }
  return text
}
