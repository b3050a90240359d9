import { closestName } from '../_suggest.js'
import type { RenderBudget } from '../_budget.js'
import {
  codePoints,
  floatOf,
  isFloat,
  isNil,
  isNumber,
  isTrue,
  lengthOf,
  toFloat,
  toInteger,
  toText,
} from './values.js'

/** A filter: the value before the `|`, the argument after the `:` (undefined when absent), the render budget. */
type FilterFn = (input: unknown, arg: unknown, budget: RenderBudget) => unknown

/** Whether a filter needs its `:argument`. */
type Arity = 'required' | 'optional'

/** An error a filter raises on bad input at render time (Pongo2 returned an error there too). */
export class FilterError extends Error {
  override readonly name = 'FilterError'
}

/**
 * The supported filters, by name, with Pongo2 v6 semantics (`filters_builtin.go`). Escaping filters are no-ops
 * (deliberate, SPEC §16: the output is YAML, not HTML). Names and behaviour are listed in docs/spec-addendum.md.
 */
const FILTERS: Readonly<Record<string, { readonly fn: FilterFn; readonly arity: Arity }>> = {
  add: { arity: 'required', fn: (a, b) => add(a, b) },
  addslashes: { arity: 'optional', fn: (a) => toText(a).replace(/[\\"']/g, (c) => `\\${c}`) },
  capfirst: { arity: 'optional', fn: (a) => capfirst(a) },
  center: { arity: 'required', fn: (a, b, budget) => pad(a, b, budget, 'center') },
  cut: { arity: 'required', fn: (a, b) => toText(a).replaceAll(toText(b), '') },
  default: { arity: 'required', fn: (a, b) => (isTrue(a) ? a : b) },
  default_if_none: { arity: 'required', fn: (a, b) => (isNil(a) ? b : a) },
  divisibleby: { arity: 'required', fn: (a, b) => toInteger(b) !== 0 && toInteger(a) % toInteger(b) === 0 },
  e: { arity: 'optional', fn: (a) => a },
  escape: { arity: 'optional', fn: (a) => a },
  first: { arity: 'optional', fn: (a) => edge(a, 'first') },
  float: { arity: 'optional', fn: (a) => floatOf(toFloat(a)) },
  floatformat: { arity: 'optional', fn: (a, b) => floatformat(a, b) },
  get_digit: { arity: 'required', fn: (a, b) => getDigit(a, b) },
  integer: { arity: 'optional', fn: (a) => toInteger(a) },
  join: { arity: 'optional', fn: (a, b) => join(a, b) },
  last: { arity: 'optional', fn: (a) => edge(a, 'last') },
  length: { arity: 'optional', fn: (a) => lengthOf(a) },
  length_is: { arity: 'required', fn: (a, b) => lengthOf(a) === toInteger(b) },
  linenumbers: { arity: 'optional', fn: (a) => toText(a).split('\n').map((line, i) => `${i + 1}. ${line}`).join('\n') },
  ljust: { arity: 'required', fn: (a, b, budget) => pad(a, b, budget, 'left') },
  lower: { arity: 'optional', fn: (a) => toText(a).toLowerCase() },
  make_list: { arity: 'optional', fn: (a) => codePoints(toText(a)) },
  pluralize: { arity: 'optional', fn: (a, b) => pluralize(a, b) },
  rjust: { arity: 'required', fn: (a, b, budget) => pad(a, b, budget, 'right') },
  safe: { arity: 'optional', fn: (a) => a },
  slice: { arity: 'required', fn: (a, b) => slice(a, b) },
  split: { arity: 'required', fn: (a, b) => (toText(b) === '' ? codePoints(toText(a)) : toText(a).split(toText(b))) },
  striptags: { arity: 'optional', fn: (a) => toText(a).replace(/<[^>]*>/g, '').trim() },
  title: { arity: 'optional', fn: (a) => (typeof a === 'string' ? goTitle(a.toLowerCase()) : '') },
  truncatechars: { arity: 'required', fn: (a, b) => truncatechars(a, b) },
  truncatewords: { arity: 'required', fn: (a, b) => truncatewords(a, b) },
  upper: { arity: 'optional', fn: (a) => toText(a).toUpperCase() },
  urlencode: { arity: 'optional', fn: (a) => queryEscape(toText(a)) },
  wordcount: { arity: 'optional', fn: (a) => fields(toText(a)).length },
  wordwrap: { arity: 'required', fn: (a, b) => wordwrap(a, b) },
  yesno: { arity: 'optional', fn: (a, b) => yesno(a, b) },
}

/** Pongo2 filters deliberately left out, with the reason a validation message gives. */
const LEFT_OUT: Readonly<Record<string, string>> = {
  date: 'the context holds no date values',
  time: 'the context holds no date values',
  random: 'every render of a node must give the same document',
  escapejs: 'it escapes for JavaScript, not YAML',
  iriencode: 'use urlencode',
  linebreaks: 'it writes HTML',
  linebreaksbr: 'it writes HTML',
  phone2numeric: 'it has no use in a cloud-config',
  removetags: 'it works on HTML; use striptags',
  stringformat: 'it takes Go format strings',
  truncatechars_html: 'it writes HTML; use truncatechars',
  truncatewords_html: 'it writes HTML; use truncatewords',
  urlize: 'it writes HTML',
  urlizetrunc: 'it writes HTML',
}

/** Filter names of Liquid and Jinja that operators bring along, with the Pongo2 filter to suggest instead. */
const OTHER_ENGINES: Readonly<Partial<Record<string, string>>> = {
  upcase: 'upper',
  downcase: 'lower',
  capitalize: 'capfirst',
  size: 'length',
  count: 'length',
  append: 'add',
  plus: 'add',
  remove: 'cut',
  strip_html: 'striptags',
  truncate: 'truncatechars',
  url_encode: 'urlencode',
  escape_once: 'escape',
  d: 'default',
}

/** The supported filter names, sorted (for docs and messages). */
export const FILTER_NAMES: readonly string[] = Object.keys(FILTERS).sort()

/**
 * Why `|name` (with or without an argument) cannot be used, or `undefined` when it can. Unknown names get a
 * "did you mean" when one is close.
 */
export function checkFilter(name: string, hasArgument: boolean): string | undefined {
  const filter = Object.hasOwn(FILTERS, name) ? FILTERS[name] : undefined
  if (filter === undefined) {
    if (Object.hasOwn(LEFT_OUT, name)) return `filter '${name}' is not supported here: ${LEFT_OUT[name]}`
    const close = (Object.hasOwn(OTHER_ENGINES, name) ? OTHER_ENGINES[name] : undefined) ?? closestName(name, FILTER_NAMES)
    return `unknown filter '${name}'${close === undefined ? '' : ` (did you mean ${close}?)`}`
  }
  if (filter.arity === 'required' && !hasArgument) return `filter '${name}' needs an argument: ${name}:<value>`
  return undefined
}

/** Applies filter `name` (checked at parse time) and charges its work to `budget`. @throws FilterError */
export function applyFilter(name: string, input: unknown, arg: unknown, budget: RenderBudget): unknown {
  budget.work(sizeOf(input))
  const result = (FILTERS[name] as { fn: FilterFn }).fn(input, arg, budget)
  if (typeof result === 'string' || Array.isArray(result)) budget.work(result.length)
  return result
}

// --- internal ---

function sizeOf(value: unknown): number {
  return typeof value === 'string' || Array.isArray(value) ? value.length : 0
}

function add(a: unknown, b: unknown): unknown {
  if (isNumber(a) && isNumber(b)) return isFloat(a) || isFloat(b) ? floatOf(toFloat(a) + toFloat(b)) : toInteger(a) + toInteger(b)
  return toText(a) + toText(b)
}

function capfirst(a: unknown): string {
  if (lengthOf(a) <= 0) return ''
  const [first = '', ...rest] = codePoints(toText(a))
  return first.toUpperCase() + rest.join('')
}

/** `center`, `ljust` (text on the left) and `rjust` (Go `%Ns`: a negative width pads on the right). */
function pad(a: unknown, b: unknown, budget: RenderBudget, mode: 'center' | 'left' | 'right'): unknown {
  let width = toInteger(b)
  const text = toText(a)
  if (mode === 'right' && width < 0) {
    width = -width
    mode = 'left'
  }
  // Pongo2 measures non-strings as 0 long for center and ljust.
  const length = mode === 'right' ? codePoints(text).length : lengthOf(a)
  const spaces = width - length
  if (spaces <= 0) return mode === 'center' ? a : text
  budget.work(spaces) // before allocating: a width of 10^9 must stop here
  if (mode === 'left') return text + ' '.repeat(spaces)
  if (mode === 'right') return ' '.repeat(spaces) + text
  const right = Math.floor(spaces / 2)
  return ' '.repeat(spaces - right) + text + ' '.repeat(right)
}

function edge(a: unknown, which: 'first' | 'last'): unknown {
  const items = Array.isArray(a) ? a : typeof a === 'string' ? codePoints(a) : undefined
  if (items === undefined || items.length === 0) return ''
  return which === 'first' ? items[0] : items[items.length - 1]
}

function floatformat(a: unknown, b: unknown): unknown {
  const value = toFloat(a)
  let decimals = isNil(b) ? -1 : toInteger(b)
  let trim = !isNumber(b)
  if (decimals <= 0) {
    decimals = -decimals
    trim = true
  }
  if (trim && Number.isInteger(value)) return toInteger(a)
  if (decimals > 100) throw new FilterError('floatformat takes at most 100 decimals')
  return value.toFixed(decimals)
}

function getDigit(a: unknown, b: unknown): unknown {
  const i = toInteger(b)
  const text = toText(a)
  if (i <= 0 || i > text.length) return a
  return text.charCodeAt(text.length - i) - 48
}

function join(a: unknown, b: unknown): unknown {
  const items = Array.isArray(a) ? a.map(toText) : typeof a === 'string' ? codePoints(a) : undefined
  return items === undefined ? a : items.join(toText(b))
}

function pluralize(a: unknown, b: unknown): string {
  if (!isNumber(a)) throw new FilterError("filter 'pluralize' only works on numbers")
  const one = toInteger(a) === 1
  if (lengthOf(b) === 0) return one ? '' : 's'
  const endings = toText(b).split(',')
  if (endings.length > 2) throw new FilterError("filter 'pluralize' takes at most 2 endings")
  if (endings.length === 1) return one ? '' : (endings[0] as string)
  return one ? (endings[0] as string) : (endings[1] as string)
}

function slice(a: unknown, b: unknown): unknown {
  const bounds = toText(b).split(':')
  if (bounds.length !== 2) throw new FilterError("filter 'slice' needs 'from:to' (either may be left out, the ':' may not)")
  const items = Array.isArray(a) ? a : typeof a === 'string' ? codePoints(a) : undefined
  if (items === undefined) return a
  const length = items.length
  let from = toInteger(bounds[0])
  if (from < 0) from = Math.max(length + from, 0)
  if (from > length) from = length
  let to = (bounds[1] as string).trim() === '' ? length : toInteger(bounds[1])
  if (to < 0) to = Math.max(length + to, 0)
  if (to < from) to = from
  if (to > length) to = length
  const part = items.slice(from, to)
  return typeof a === 'string' ? part.join('') : part
}

function truncatechars(a: unknown, b: unknown): string {
  const chars = codePoints(toText(a))
  const length = toInteger(b)
  if (length >= chars.length) return chars.join('')
  if (length >= 3) return `${chars.slice(0, length - 3).join('')}...`
  if (length < 0) throw new FilterError("filter 'truncatechars' needs a length of at least 0")
  return chars.slice(0, length).join('')
}

function truncatewords(a: unknown, b: unknown): string {
  const words = fields(toText(a))
  const count = toInteger(b)
  if (count <= 0) return ''
  const kept = words.slice(0, count)
  if (count < words.length) kept.push('...')
  return kept.join(' ')
}

function wordwrap(a: unknown, b: unknown): unknown {
  const words = fields(toText(a))
  const width = toInteger(b)
  if (width <= 0) return a
  const lines: string[] = []
  for (let i = 0; i < words.length; i += width) lines.push(words.slice(i, i + width).join(' '))
  return lines.join('\n')
}

function yesno(a: unknown, b: unknown): string {
  const choices = ['yes', 'no', 'maybe']
  const custom = toText(b)
  if (custom !== '') {
    const given = custom.split(',')
    if (given.length > 3) throw new FilterError("filter 'yesno' takes at most 3 choices")
    if (given.length < 2) throw new FilterError("filter 'yesno' needs no choices or at least 2")
    given.forEach((choice, i) => (choices[i] = choice))
  }
  if (isNil(a)) return choices[2] as string
  return (isTrue(a) ? choices[0] : choices[1]) as string
}

/** Go `strings.Fields`: the words between runs of white space. */
function fields(text: string): string[] {
  const trimmed = text.trim()
  return trimmed === '' ? [] : trimmed.split(/\s+/u)
}

/** Go `strings.Title`: upper-cases the first letter of every word (a word starts after a separator). */
function goTitle(text: string): string {
  let out = ''
  let previous = ' '
  for (const c of text) {
    out += isSeparator(previous) ? c.toUpperCase() : c
    previous = c
  }
  return out
}

function isSeparator(c: string): boolean {
  if (c.length === 1 && c.charCodeAt(0) <= 0x7f) return !/[0-9A-Za-z_]/.test(c)
  if (/[\p{L}\p{Nd}]/u.test(c)) return false
  return /\s/u.test(c)
}

/** Go `url.QueryEscape`: unreserved ASCII kept, space as `+`, every other UTF-8 byte as `%XX`. */
function queryEscape(text: string): string {
  let out = ''
  for (const byte of new TextEncoder().encode(text)) {
    const c = String.fromCharCode(byte)
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c
    else if (c === ' ') out += '+'
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}
