/**
 * Pongo2 v6 value semantics (`value.go`) on the JSON data of a template context: truth, text, numbers, equality,
 * membership and iteration. JavaScript has one number type, so a whole number is an integer and any other number a
 * float (Pongo2 prints floats with six decimals, `%f`).
 */

/**
 * A float whose value happens to be whole. Go keeps `float64` apart from `int` where JavaScript has one number
 * type; Pongo2 prints `2.0` as `2.000000` and divides `7.0 / 2` as floats, so a float literal or float result
 * with a whole value is kept in this box. Fractions are plain numbers (already floats); data from the context is
 * never boxed (a whole JSON number is an integer).
 */
export class FloatValue {
  constructor(readonly value: number) {}
}

/** `n` as a Pongo2 float: boxed when whole. */
export function floatOf(n: number): number | FloatValue {
  return Number.isInteger(n) ? new FloatValue(n) : n
}

/** A number of either kind. */
export function isNumber(value: unknown): value is number | FloatValue {
  return typeof value === 'number' || value instanceof FloatValue
}

/** A list or a map (plain object) of the context; everything else is a scalar or nil. */
export type Collection = readonly unknown[] | Readonly<Record<string, unknown>>

/** `undefined` and `null` are Pongo2's nil. */
export function isNil(value: unknown): value is null | undefined {
  return value === undefined || value === null
}

/** A plain object (a JSON map); arrays and functions are not. */
export function isMap(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value)
}

export function isFloat(value: unknown): value is number | FloatValue {
  return value instanceof FloatValue || (typeof value === 'number' && !Number.isInteger(value))
}

/** A short kind name for messages: `string`, `number`, `boolean`, `list`, `map` or `nil`. */
export function kindOf(value: unknown): string {
  if (isNil(value)) return 'nil'
  if (Array.isArray(value)) return 'list'
  if (isMap(value)) return 'map'
  if (value instanceof FloatValue) return 'number'
  return typeof value
}

/**
 * What `{{ value }}` prints (Pongo2 `Value.String()`): nil is empty, booleans `True`/`False`, integers in decimal,
 * floats with six decimals. A list or map prints as Mustache prints it (items joined by commas, a map as
 * `[object Object]`; deliberate: Pongo2 printed Go's `<[]interface {} Value>`), so a template both engines read
 * prints lists alike in both.
 */
export function toText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value
    case 'boolean':
      return value ? 'True' : 'False'
    case 'number':
      return numberText(value)
    case 'object':
      if (value instanceof FloatValue) return floatText(value.value)
      return value === null ? '' : javaScriptText(value)
    default:
      return ''
  }
}

/** `String(value)` for JSON data, as mustache.js prints it, without calling anything on the value. */
function javaScriptText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (Array.isArray(value)) return value.map((item) => (item === null || item === undefined ? '' : javaScriptText(item))).join(',')
  if (typeof value === 'object') return '[object Object]'
  return String(value)
}

/** Pongo2's truth (`IsTrue`): non-zero numbers, non-empty strings, lists and maps, and `true`. */
export function isTrue(value: unknown): boolean {
  if (isNil(value)) return false
  if (typeof value === 'boolean') return value
  if (isNumber(value)) return toFloat(value) !== 0
  if (typeof value === 'string' || Array.isArray(value)) return value.length > 0
  if (isMap(value)) return Object.keys(value).length > 0
  return false
}

/** `not value` (`Value.Negate`): an integer becomes 0 or 1, a float 0.0 or 1.1 (sic), nil `true`, the rest a boolean. */
export function negate(value: unknown): unknown {
  if (isInteger(value)) return value !== 0 ? 0 : 1
  if (isNumber(value)) return toFloat(value) !== 0 ? new FloatValue(0) : 1.1
  if (typeof value === 'string' || Array.isArray(value)) return value.length === 0
  if (isMap(value)) return Object.keys(value).length === 0
  if (typeof value === 'boolean') return !value
  return true
}

/** `Value.Integer()`: floats truncate, numeric strings parse, anything else is 0. */
export function toInteger(value: unknown): number {
  if (value instanceof FloatValue) return value.value
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : 0
  if (typeof value === 'string') {
    const parsed = parseGoFloat(value)
    return parsed === undefined || !Number.isFinite(parsed) ? 0 : Math.trunc(parsed)
  }
  return 0
}

/** `Value.Float()`: numbers as they are, numeric strings parse, anything else is 0. */
export function toFloat(value: unknown): number {
  if (typeof value === 'number') return value
  if (value instanceof FloatValue) return value.value
  if (typeof value === 'string') return parseGoFloat(value) ?? 0
  return 0
}

/** `Value.Len()`: items of a list or map, characters (code points) of a string, else 0. */
export function lengthOf(value: unknown): number {
  if (Array.isArray(value)) return value.length
  if (isMap(value)) return Object.keys(value).length
  if (typeof value === 'string') return codePoints(value).length
  return 0
}

/**
 * `==` (`EqualValueTo`): integers by value, otherwise same type and value (an integer never equals a float);
 * lists and maps only when they are the same object.
 */
export function equals(a: unknown, b: unknown): boolean {
  if (isNil(a) || isNil(b)) return isNil(a) && isNil(b)
  if (isNumber(a) && isNumber(b)) return isFloat(a) === isFloat(b) && toFloat(a) === toFloat(b)
  return a === b
}

/** `<` `>` `<=` `>=`: as floats when either side is a float, else as integers (so strings compare as numbers). */
export function compare(op: string, a: unknown, b: unknown): boolean {
  const floats = isFloat(a) || isFloat(b)
  const x = floats ? toFloat(a) : toInteger(a)
  const y = floats ? toFloat(b) : toInteger(b)
  switch (op) {
    case '<':
      return x < y
    case '>':
      return x > y
    case '<=':
      return x <= y
    default:
      return x >= y
  }
}

/** `item in container` (`Value.Contains`): a key of a map, a substring of a string, an equal item of a list. */
export function contains(container: unknown, item: unknown): boolean {
  if (isMap(container)) return (typeof item === 'string' || isInteger(item)) && Object.hasOwn(container, String(item))
  if (typeof container === 'string') return container.includes(toText(item))
  if (Array.isArray(container)) return container.some((element) => equals(item, element))
  return false
}

/**
 * The `[key, value]` pairs a `{% for %}` visits, or `undefined` when the value cannot be iterated (the loop's
 * `{% empty %}` branch runs). Maps give their keys in sorted order (deliberate: Go's map order was random) and
 * `reversed sorted` descending; lists give their items (`value` undefined), `reversed` and/or `sorted`; strings
 * give their characters.
 */
export function iterationOf(
  value: unknown,
  options: { readonly reversed: boolean; readonly sorted: boolean },
): (readonly [unknown, unknown])[] | undefined {
  if (isMap(value)) {
    const keys = Object.keys(value).sort(compareText)
    if (options.sorted && options.reversed) keys.reverse()
    return keys.map((key) => [key, value[key]] as const)
  }
  let items: unknown[]
  if (Array.isArray(value)) items = [...value]
  else if (typeof value === 'string') items = codePoints(value)
  else return undefined
  if (options.sorted) items.sort(compareItems)
  if (options.reversed) items.reverse()
  return items.map((item) => [item, undefined] as const)
}

/** The characters (code points) of a string. */
export function codePoints(text: string): string[] {
  return Array.from(text)
}

/** Code point order, as Go compares strings (byte-wise UTF-8). */
export function compareText(a: string, b: string): number {
  if (a === b) return 0
  const x = codePoints(a)
  const y = codePoints(b)
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] as string).codePointAt(0)! - (y[i] as string).codePointAt(0)!
    if (d !== 0) return d
  }
  return x.length - y.length
}

/** Parses a number as Go's `strconv.ParseFloat` accepts it (no surrounding spaces); `undefined` otherwise. */
export function parseGoFloat(text: string): number | undefined {
  if (!/^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)$/i.test(text)) return undefined
  const lower = text.toLowerCase()
  if (lower.endsWith('inf') || lower.endsWith('infinity')) return lower.startsWith('-') ? -Infinity : Infinity
  return Number(text)
}

// --- internal ---

function numberText(value: number): string {
  return Number.isInteger(value) ? String(value) : floatText(value)
}

/** Go's `%f`: six decimals; `NaN`, `+Inf`, `-Inf`. */
function floatText(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf'
  return value.toFixed(6)
}

/** Pongo2's order of list items: integers and floats numerically, anything else by its text. */
function compareItems(a: unknown, b: unknown): number {
  if (isNumber(a) && isNumber(b) && isFloat(a) === isFloat(b)) return toFloat(a) - toFloat(b)
  return compareText(toText(a), toText(b))
}
