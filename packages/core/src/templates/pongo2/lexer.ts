import { TemplateSyntaxError } from '../_position.js'

/** One token inside `{{ … }}` or `{% … %}`, as Pongo2's lexer cuts them (flosch/pongo2 v6 `lexer.go`). */
export interface CodeToken {
  readonly kind: 'ident' | 'keyword' | 'number' | 'string' | 'symbol'
  /** The text; for strings, the unescaped content without quotes. */
  readonly value: string
  /** Offset of the token's first character in the template. */
  readonly offset: number
}

/** A piece of a Pongo2 template between the delimiters, in source order. */
export type Segment =
  /** Literal text `[begin, end)`, already trimmed by the `{%-`/`-%}` whitespace control around it. */
  | { readonly type: 'text'; readonly begin: number; readonly end: number }
  /** `{{ code }}`; `close` is the offset of the closing `}}`. */
  | { readonly type: 'output'; readonly begin: number; readonly end: number; readonly close: number; readonly code: readonly CodeToken[] }
  /** `{% name code %}`; `code` excludes the name; `close` is the offset of the closing `%}`. */
  | {
      readonly type: 'tag'
      readonly begin: number
      readonly end: number
      readonly close: number
      readonly name: string
      readonly code: readonly CodeToken[]
    }

/** Pongo2's keywords; every other word is an identifier. */
const KEYWORDS = new Set(['in', 'and', 'or', 'not', 'true', 'false', 'as', 'export'])

/** Pongo2's symbols by their first character, longest first, as its lexer tries them. */
const SYMBOLS: Readonly<Record<string, readonly string[]>> = (() => {
  const all = ['{{-', '-}}', '{%-', '-%}', '==', '>=', '<=', '&&', '||', '{{', '}}', '{%', '%}', '!=', '<>']
  all.push('(', ')', '+', '-', '*', '<', '>', '/', '^', ',', '.', '!', '|', ':', '=', '%', '[', ']')
  const byFirst: Record<string, string[]> = Object.create(null) as Record<string, string[]>
  for (const symbol of all) (byFirst[symbol[0] as string] ??= []).push(symbol)
  return byFirst
})()
const CLOSERS: Readonly<Record<string, string>> = { '{{': '}}', '{%': '%}' }

/** Pongo2 trims exactly these around `{%-` / `-%}` (its `tokenSpaceChars`). */
const TRIMMED = ' \n\r\t'
const VERBATIM_OPEN = '{% verbatim %}'
const VERBATIM_CLOSE = '{% endverbatim %}'

const isIdentStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_'
const isDigit = (c: string) => c >= '0' && c <= '9'
const isIdentPart = (c: string) => isIdentStart(c) || isDigit(c)

/**
 * Cuts a Pongo2 template into text, `{{ }}` and `{% %}` segments with Pongo2 v6's lexical rules: `{# … #}` comments
 * end on the same line; `{% verbatim %}…{% endverbatim %}` is text; a tag or variable may not span lines; strings
 * take `"` or `'` with only `\"` and `\\` as escapes; `{{-`, `-}}`, `{%-` and `-%}` trim the adjacent text of
 * spaces, tabs, CR and LF. Scanning starts at `start` (after an engine marker line).
 *
 * @throws TemplateSyntaxError with the offset of the offending construct.
 */
export function lexPongo2(template: string, start = 0): Segment[] {
  return new Lexer(template, start).run()
}

// --- internal ---

interface TextPiece {
  type: 'text'
  begin: number
  end: number
  /** Where the next token starts when this text is directly followed by one (after `{% endverbatim %}` for verbatim text). */
  next: number
  trimLeft: boolean
  trimRight: boolean
}

class Lexer {
  private readonly out: (Exclude<Segment, { type: 'text' }> | TextPiece)[] = []
  private pos: number
  private textStart: number
  /** The last token emitted was a closing `-}}`/`-%}`: the next text is trimmed on its left. */
  private trimNext = false

  constructor(
    private readonly input: string,
    start: number,
  ) {
    this.pos = start
    this.textStart = start
  }

  run(): Segment[] {
    const { input } = this
    while (this.pos < input.length) {
      if (input.startsWith(VERBATIM_OPEN, this.pos)) {
        this.verbatim()
      } else if (input.startsWith('{#', this.pos)) {
        this.comment()
      } else if (input.startsWith('{{', this.pos) || input.startsWith('{%', this.pos)) {
        this.code()
      } else {
        // Text up to the next brace cannot hold a delimiter.
        const brace = input.indexOf('{', this.pos + 1)
        this.pos = brace === -1 ? input.length : brace
      }
    }
    this.flushText()
    return this.out.map((piece) => (piece.type === 'text' ? trimmed(this.input, piece) : piece))
  }

  private flushText(): void {
    if (this.pos > this.textStart) {
      this.out.push({ type: 'text', begin: this.textStart, end: this.pos, next: this.pos, trimLeft: this.trimNext, trimRight: false })
      this.trimNext = false
    }
    this.textStart = this.pos
  }

  private verbatim(): void {
    this.flushText()
    const open = this.pos
    const contentStart = open + VERBATIM_OPEN.length
    const close = this.input.indexOf(VERBATIM_CLOSE, contentStart)
    if (close === -1) throw new TemplateSyntaxError('verbatim tag not closed', open)
    this.pos = close + VERBATIM_CLOSE.length
    // Pongo2 emits the content as one text token, trimmed like any other by the symbols next to it.
    if (close > contentStart) {
      this.out.push({ type: 'text', begin: contentStart, end: close, next: this.pos, trimLeft: this.trimNext, trimRight: false })
      this.trimNext = false
    }
    this.textStart = this.pos
  }

  private comment(): void {
    this.flushText()
    const open = this.pos
    for (let i = open + 2; ; i++) {
      if (i >= this.input.length) throw new TemplateSyntaxError('comment {# not closed with #} on its line', open)
      if (this.input[i] === '\n') throw new TemplateSyntaxError('a {# #} comment may not span lines (use {% comment %})', open)
      if (this.input.startsWith('#}', i)) {
        this.pos = i + 2
        break
      }
    }
    // A comment is no token: the trimming state of the token before it carries over to the text after it.
    this.textStart = this.pos
  }

  private code(): void {
    const open = this.pos
    const opener = this.input.slice(open, open + 2)
    const trimsLeft = this.input[open + 2] === '-'
    this.flushText()
    if (trimsLeft) {
      const last = this.out.at(-1)
      if (last?.type === 'text' && last.next === open) last.trimRight = true
    }
    this.pos = open + (trimsLeft ? 3 : 2)
    const tokens: CodeToken[] = []
    let close: number
    for (;;) {
      const token = this.next(open)
      if (token.kind === 'symbol' && (token.value === '}}' || token.value === '%}' || token.value === '-}}' || token.value === '-%}')) {
        const closer = token.value.replace('-', '')
        if (closer !== CLOSERS[opener]) throw new TemplateSyntaxError(`'${CLOSERS[opener]}' expected, found '${closer}'`, token.offset)
        this.trimNext = token.value.startsWith('-')
        close = token.offset
        break
      }
      tokens.push(token)
    }
    this.textStart = this.pos
    const end = this.pos
    if (opener === '{{') {
      this.out.push({ type: 'output', begin: open, end, close, code: tokens })
      return
    }
    const [name, ...rest] = tokens
    if (name === undefined || name.kind !== 'ident') {
      throw new TemplateSyntaxError('tag name must be an identifier', name?.offset ?? open)
    }
    this.out.push({ type: 'tag', begin: open, end, close, name: name.value, code: rest })
  }

  /** The next code token from `pos`; `open` is where the tag began (for "not closed"). */
  private next(open: number): CodeToken {
    const { input } = this
    for (;;) {
      if (this.pos >= input.length) throw new TemplateSyntaxError('tag not closed', open)
      const c = input[this.pos] as string
      if (c === '\n') throw new TemplateSyntaxError('a tag or variable may not span lines', open)
      if (c === ' ' || c === '\t' || c === '\r') {
        this.pos += 1
        continue
      }
      const offset = this.pos
      if (isIdentStart(c) || isDigit(c)) {
        let end = offset
        while (end < input.length && isDigit(input[end] as string)) end += 1
        // A number directly followed by letters is an identifier (pongo2 issue 151), e.g. `0b`.
        const word = end === offset || (end < input.length && isIdentPart(input[end] as string))
        if (word) while (end < input.length && isIdentPart(input[end] as string)) end += 1
        this.pos = end
        const value = input.slice(offset, end)
        if (!word) return { kind: 'number', value, offset }
        return { kind: KEYWORDS.has(value) ? 'keyword' : 'ident', value, offset }
      }
      if (c === '"' || c === "'") return this.string(c, offset)
      for (const symbol of SYMBOLS[c] ?? []) {
        if (input.startsWith(symbol, offset)) {
          this.pos = offset + symbol.length
          return { kind: 'symbol', value: symbol, offset }
        }
      }
      throw new TemplateSyntaxError(`unexpected character ${JSON.stringify(c)}`, offset)
    }
  }

  private string(quote: string, offset: number): CodeToken {
    const { input } = this
    let value = ''
    for (let i = offset + 1; ; i++) {
      const c = input[i]
      if (c === undefined) throw new TemplateSyntaxError('string not closed', offset)
      if (c === '\n') throw new TemplateSyntaxError('a string may not span lines', offset)
      if (c === quote) {
        this.pos = i + 1
        return { kind: 'string', value, offset }
      }
      if (c === '\\') {
        const escaped = input[i + 1]
        if (escaped !== '"' && escaped !== '\\') throw new TemplateSyntaxError(`unknown escape sequence \\${escaped ?? ''}`, i)
        value += escaped
        i += 1
        continue
      }
      value += c
    }
  }
}

function trimmed(input: string, piece: TextPiece): Segment {
  let { begin, end } = piece
  if (piece.trimLeft) while (begin < end && TRIMMED.includes(input[begin] as string)) begin += 1
  if (piece.trimRight) while (end > begin && TRIMMED.includes(input[end - 1] as string)) end -= 1
  return { type: 'text', begin, end }
}
