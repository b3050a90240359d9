import { MetadataError } from '../errors.js'

// SPEC §16 "Bodies", issue 16 item 5: deeply nested JSON overflowed the stack in the recursive copy and merge of
// PATCH (10,000 levels in 60 KB answered 500). Every request body is held to a nesting depth, checked on the text
// before JSON.parse and on parsed values before any recursive work; nothing recursive runs deeper than that.

/** The deepest nesting of arrays and objects a request body may have (`[]` and `{}` are depth 1, a scalar 0). */
export const MAX_JSON_DEPTH = 64

/** The RES-8 text of a body nested deeper than {@link MAX_JSON_DEPTH}. */
export const TOO_DEEP_MESSAGE = `invalid request body: JSON nested deeper than ${MAX_JSON_DEPTH} levels`

const OPEN_BRACE = 0x7b
const OPEN_BRACKET = 0x5b
const CLOSE_BRACE = 0x7d
const CLOSE_BRACKET = 0x5d
const QUOTE = 0x22
const BACKSLASH = 0x5c

/**
 * True when JSON `text` nests arrays and objects deeper than `max` (default {@link MAX_JSON_DEPTH}). One linear
 * scan that skips strings and stops at the first level too deep; it does not validate the JSON (JSON.parse does).
 */
export function jsonTextTooDeep(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === BACKSLASH) i++
      else if (c === QUOTE) inString = false
    } else if (c === QUOTE) {
      inString = true
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--
    }
  }
  return false
}

/**
 * Parses a request body's JSON text (RES-8). Throws `MetadataError('INVALID_BODY')` with {@link TOO_DEEP_MESSAGE}
 * when it nests deeper than {@link MAX_JSON_DEPTH} (checked before parsing), or `invalid request body: <reason>`
 * when it is not JSON.
 */
export function parseJsonBody(text: string): unknown {
  if (jsonTextTooDeep(text)) throw new MetadataError('INVALID_BODY', TOO_DEEP_MESSAGE)
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw new MetadataError('INVALID_BODY', `invalid request body: ${(err as Error).message}`)
  }
}

/**
 * The nesting depth of a parsed value, without recursion; counting stops once it passes `stopAbove` (the result is
 * then `stopAbove + 1`), so a hostile value costs no more than needed to refuse it.
 */
export function jsonDepth(value: unknown, stopAbove: number = MAX_JSON_DEPTH): number {
  let deepest = 0
  const stack: Array<[unknown, number]> = [[value, 0]]
  while (stack.length > 0) {
    const [item, above] = stack.pop() as [unknown, number]
    if (typeof item !== 'object' || item === null) continue
    const depth = above + 1
    if (depth > deepest) deepest = depth
    if (deepest > stopAbove) return deepest
    for (const child of Array.isArray(item) ? item : Object.values(item)) stack.push([child, depth])
  }
  return deepest
}

/**
 * The number of JSON values in `value` (itself, and every member and item, recursively), without recursion;
 * counting stops once it passes `stopAbove`.
 */
export function jsonValueCount(value: unknown, stopAbove: number): number {
  let count = 0
  const stack: unknown[] = [value]
  while (stack.length > 0 && count <= stopAbove) {
    const item = stack.pop()
    count++
    if (typeof item !== 'object' || item === null) continue
    for (const child of Array.isArray(item) ? item : Object.values(item)) stack.push(child)
  }
  return count
}

/** Throws `MetadataError('INVALID_BODY')` with {@link TOO_DEEP_MESSAGE} for a parsed body deeper than the limit. */
export function checkBodyDepth(body: unknown): void {
  if (jsonDepth(body) > MAX_JSON_DEPTH) throw new MetadataError('INVALID_BODY', TOO_DEEP_MESSAGE)
}
