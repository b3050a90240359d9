/**
 * The Django/Pongo2 engine (SPEC §16 TPL-1/TPL-2): templates as the Go OpenCHAMI metadata service 0.1.x rendered
 * them with flosch/pongo2 v6, on LiquidJS.
 *
 * Why LiquidJS: of the JavaScript engines of the Django/Jinja/Liquid family it is the one built for templates
 * written by people other than the ones running them: no file system unless given one, own properties only
 * (`ownPropertyOnly`), no way to call functions, a parser and renderer whose extension points (tags, tokens,
 * emitter) take other syntaxes. nunjucks, the closest in syntax, documents that it is not a sandbox (its
 * templates reach `constructor` and run code); swig and jinja-js are unmaintained.
 *
 * What LiquidJS does here: it builds the node tree from tokens we hand it (`parseToken` makes each node with the
 * tag class registered under its name; our block tags gather their bodies with it) and makes the text nodes. The
 * tree is rendered by a synchronous walk (`runNodes`): LiquidJS's generator-driven render loop costs about a
 * microsecond per node, too much inside the render budget (SPEC §16 "Template cost"). What is ours, at its
 * extension points, because Pongo2 differs from Liquid: the tokenizer (`{# #}` comments, Pongo2's whitespace
 * control and string rules; `lexer.ts`), the tags (`if/elif/else`, `for k, v in map` with `forloop` and `empty`;
 * `tags.ts`), the expression grammar and value semantics (`not a == b` as Pongo2 reads it, `True`/`False`, `%f`
 * floats; `expression.ts`, `evaluate.ts`, `values.ts`) and the filters (Pongo2's names, one `:argument`;
 * `filters.ts`). Liquid's own expression language was not reused: its precedence, literals (`nil`, `empty`),
 * names (`a-b` is one name) and printing differ from Pongo2's, and exact output was the requirement.
 * Every Liquid built-in tag and filter is removed, file access is stubbed to fail, and names resolve through our
 * own lookup (own data properties only), so `include`, `extends`, `import`, `ssi`, `constructor`, `__proto__`
 * and function calls cannot be written (SEC-3). No HTML escaping anywhere: the output is YAML (SPEC §16).
 */
import { Liquid, type FS, type Template, type TopLevelToken } from 'liquidjs'
import type { RenderBudget } from '../_budget.js'
import { TemplateSyntaxError } from '../_position.js'
import { closestName } from '../_suggest.js'
import { lexPongo2 } from './lexer.js'
import { OUTPUT_TAG, Pongo2TagToken, Pongo2TextToken, RenderState, runNodes } from './nodes.js'
import { AutoescapeTag, CommentTag, FirstofTag, SetTag, StrayTag, TemplateTagTag, WithTag } from './tags-more.js'
import { ForTag, IfTag, OutputTag } from './tags.js'

/** A parsed Pongo2 template: LiquidJS's node list (HTML nodes and our tags). */
export interface Pongo2Template {
  readonly nodes: readonly Template[]
}

/** The `{% %}` tags a template may use, sorted. */
export const TAG_NAMES: readonly string[] = ['autoescape', 'comment', 'firstof', 'for', 'if', 'set', 'templatetag', 'with']

/** Pongo2 tags left out, with the reason a validation message gives. */
const LEFT_OUT_TAGS: Readonly<Record<string, string>> = {
  include: 'templates cannot include other templates or read files',
  extends: 'templates cannot extend other templates or read files',
  import: 'templates cannot import other templates or read files',
  ssi: 'templates cannot read files',
  block: 'templates cannot extend other templates',
  macro: 'macros are not supported',
  now: 'every render of a node must give the same document',
  lorem: 'it has no use in a cloud-config',
  cycle: 'it is not supported; use forloop.Counter0',
  ifchanged: 'it is not supported',
  ifequal: 'use {% if a == b %}',
  ifnotequal: 'use {% if a != b %}',
  filter: 'apply filters in {{ }} instead',
  spaceless: 'it removes space between HTML tags only',
  widthratio: 'use arithmetic in {{ }}',
  verbatim: 'write it exactly as {% verbatim %} … {% endverbatim %}',
}

const CLOSERS = ['elif', 'else', 'endif', 'empty', 'endfor', 'endcomment', 'endautoescape', 'endwith', 'endverbatim']

/** Template loading is never wanted: any attempt fails (SEC-3), even if a tag that loads files came back. */
const NO_FILES: FS = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async () => Promise.reject(new Error('templates cannot read files')),
  readFileSync: () => {
    throw new Error('templates cannot read files')
  },
  resolve: () => {
    throw new Error('templates cannot read files')
  },
}

const liquid = createLiquid()

/**
 * Parses a Pongo2 template, starting at `start` (after an engine marker line). Tags are checked by name here:
 * unknown ones get a "did you mean", left-out ones the reason.
 *
 * @throws TemplateSyntaxError with the offset of the problem.
 */
export function parsePongo2(template: string, start = 0): Pongo2Template {
  const tokens: TopLevelToken[] = []
  for (const segment of lexPongo2(template, start)) {
    if (segment.type === 'text') {
      if (segment.end > segment.begin) tokens.push(new Pongo2TextToken(template, segment.begin, segment.end) as never)
      continue
    }
    if (segment.type === 'tag' && !knownTag(segment.name)) throw new TemplateSyntaxError(unknownTag(segment.name), segment.begin)
    tokens.push(new Pongo2TagToken(template, segment) as never)
  }
  try {
    return { nodes: liquid.parser.parseTokens(new TokenQueue(tokens) as unknown as TopLevelToken[]) }
  } catch (err) {
    throw syntaxErrorOf(err)
  }
}

/**
 * Renders a parsed template against `context` within `budget`. Undefined names print empty (as Pongo2).
 *
 * @throws BudgetExceeded, EvaluationError, or a LiquidJS error wrapping one of them (see `engineCause`).
 */
export function renderPongo2(template: Pongo2Template, context: Readonly<Record<string, unknown>>, budget: RenderBudget): string {
  const state = new RenderState(context, budget)
  runNodes(template.nodes, state)
  return state.buffer
}

/** The error an engine threw, without LiquidJS's wrapping (`RenderError`, `ParseError` keep it as `originalError`). */
export function engineCause(err: unknown): unknown {
  let cause = err
  while (typeof cause === 'object' && cause !== null && 'originalError' in cause && cause.originalError !== undefined) {
    cause = cause.originalError
  }
  return cause
}

// --- internal ---

/**
 * The tokens as LiquidJS's parser consumes them: it only ever calls `shift()` on its token array (in
 * `parseTokens`, `parseStream` and our block tags), and V8's `Array.prototype.shift` copies the array once it
 * holds more than about 16,000 elements, so a 256 KiB template took seconds to parse (measured: 40,000 shifts,
 * 5 s). This queue shifts in O(1).
 */
class TokenQueue {
  private next = 0

  constructor(private readonly items: readonly TopLevelToken[]) {}

  shift(): TopLevelToken | undefined {
    return this.items[this.next++]
  }

  get length(): number {
    return this.items.length - this.next
  }
}

function createLiquid(): Liquid {
  const instance = new Liquid({ ownPropertyOnly: true, strictFilters: true, cache: false, fs: NO_FILES, relativeReference: false })
  for (const name of Object.keys(instance.tags)) delete instance.tags[name]
  for (const name of Object.keys(instance.filters)) delete instance.filters[name]
  const tags: Record<string, unknown> = {
    [OUTPUT_TAG]: OutputTag,
    if: IfTag,
    for: ForTag,
    comment: CommentTag,
    autoescape: AutoescapeTag,
    with: WithTag,
    set: SetTag,
    firstof: FirstofTag,
    templatetag: TemplateTagTag,
  }
  for (const closer of CLOSERS) tags[closer] = StrayTag
  for (const [name, tag] of Object.entries(tags)) instance.tags[name] = tag as Liquid['tags'][string]
  return instance
}

function knownTag(name: string): boolean {
  return TAG_NAMES.includes(name) || CLOSERS.includes(name)
}

function unknownTag(name: string): string {
  if (Object.hasOwn(LEFT_OUT_TAGS, name)) return `tag '${name}' is not supported here: ${LEFT_OUT_TAGS[name]}`
  const close = closestName(name, [...TAG_NAMES, ...CLOSERS])
  return `unknown tag '${name}'${close === undefined ? '' : ` (did you mean ${close}?)`}`
}

/** A parse failure as a TemplateSyntaxError (ours, unwrapped from LiquidJS's ParseError when needed). */
function syntaxErrorOf(err: unknown): TemplateSyntaxError {
  const cause = engineCause(err)
  if (cause instanceof TemplateSyntaxError) return cause
  if (cause instanceof RangeError) return new TemplateSyntaxError('the template nests too deeply', 0)
  throw err
}
