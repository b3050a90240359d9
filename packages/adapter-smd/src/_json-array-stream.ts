// Reads the one big array of an SMD bulk body while it arrives (SMD-7, OPS-7): at 100k nodes a body is 30–60 MB,
// and holding it as one string, then one parsed tree, then validated copies, cost seconds of GC and hundreds of
// MB. Here the bytes are cut at top-level element boundaries (guessed, see guess(), else found by a small
// scanner that only tracks strings and nesting), each cut of ~64 KB is handed to JSON.parse as `[…]`, and the
// elements go to `onElements` at once, so only one cut is alive at a time and the event loop is never held for
// more than one cut.
//
// The outcome is the same as JSON.parse of the whole body (SMD-6): JSON.parse validates every cut, a cut that
// parses is exactly a run of whole elements (a cut inside a string or a nested value cannot parse), and a body
// that is not valid JSON throws the very SyntaxError JSON.parse(whole body) would (see _json-syntax-error.ts).
// Bodies of any other shape (a single object, `null`, blank, a leading BOM, …) are read whole, as before.
import { isAscii } from 'node:buffer'
import { createRestCounter, createSyntaxWitness, type RestCounter, type SyntaxWitness } from './_json-syntax-error.js'

/** How a body ended. */
export type ArrayStreamEnd =
  /** Every element was delivered. `later` holds what followed the array inside its envelope object, if anything. */
  | { readonly kind: 'streamed'; readonly envelope: string | undefined; readonly later?: LaterKeys }
  /** The body did not start like one of the expected shapes: its whole text (undici `text()` decoding). */
  | { readonly kind: 'text'; readonly text: string }

/** Keys after the streamed array in its envelope (`{"Components":[…],"ID":…}`), and the whole body parsed. */
export interface LaterKeys {
  readonly keys: ReadonlySet<string>
  /** The body as JSON.parse reads it, except that the streamed array's elements are placeholders. */
  readonly value: unknown
}

/** Options of {@link createJsonArrayStream}. */
export interface JsonArrayStreamOptions {
  /** The accepted shapes: `undefined` for a bare array, a key for `{"<key>":[…]}`. */
  readonly envelopes: readonly (string | undefined)[]
  /** Receives each cut's elements, with the index of the first one in the array and the envelope key. */
  readonly onElements: (elements: unknown[], firstIndex: number, envelope: string | undefined) => void
  /** Cut size in bytes (a cut ends at the first element boundary past it); default 64 KiB, which keeps each cut's text out of V8's large-object space (> 128 KiB), many times slower to allocate. */
  readonly cutBytes?: number
}

/** Feed with {@link JsonArrayStream.push}, finish with {@link JsonArrayStream.end}. */
export interface JsonArrayStream {
  push(chunk: Uint8Array): void
  /** Throws the SyntaxError JSON.parse(whole body) would throw. */
  end(): ArrayStreamEnd
}

const HEAD_LIMIT = 512 // bytes to find the opening `[`; a body with more leading whitespace is read whole
const WS = '[ \\t\\n\\r]*'
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true })
const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c

/** An incremental reader of one top-level JSON array (possibly in an envelope object). */
export function createJsonArrayStream(options: JsonArrayStreamOptions): JsonArrayStream {
  const cutBytes = options.cutBytes ?? 64 * 1024
  const heads = options.envelopes.map((key) => ({
    key,
    pattern: new RegExp(key === undefined ? `^${WS}\\[` : `^${WS}\\{${WS}"${key}"${WS}:${WS}\\[`),
  }))
  let mode: 'head' | 'whole' | 'array' | 'tail' | 'broken' = 'head'
  let envelope: string | undefined
  let held: Buffer[] = [] // head or whole: every byte so far; array: the current cut; tail: after `]`
  let heldBytes = 0
  let depth = 1
  let inString = false
  let escaped = false
  let index = 0
  let sawComma = false
  let witness: SyntaxWitness | undefined
  let broken: { readonly text: string; readonly rest: RestCounter } | undefined
  let scratch = Buffer.allocUnsafe(0)
  // Guessing: the held bytes start at an element boundary and are not scanned yet (see guess()).
  let guessing = true
  let boundary: Buffer | undefined
  let misses = 0

  const hold = (bytes: Buffer): void => {
    if (bytes.length === 0) return
    held.push(bytes)
    heldBytes += bytes.length
  }

  /** Parses the held bytes plus `last` as `[…]`; `trailingComma`: the cut ended at a `,` (consumed). */
  const flush = (last: Buffer, trailingComma: boolean): void => {
    const size = heldBytes + last.length + 2
    if (scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, 2 * scratch.length))
    scratch[0] = 0x5b
    let at = 1
    for (const part of held) at += part.copy(scratch, at)
    last.copy(scratch, at)
    scratch[size - 1] = 0x5d
    held = []
    heldBytes = 0
    if (!parseCut(scratch.subarray(0, size), trailingComma)) {
      const bytes = scratch.subarray(1, size - 1)
      breakAt(utf8.decode(bytes) + (trailingComma ? ',' : ''))
    }
  }

  /**
   * JSON.parse of one cut, `[…]` in `bytes`; delivers its elements and returns true, or returns false when the
   * cut is not a run of whole elements (its text is then the place of a syntax error, or a wrong guess).
   */
  const parseCut = (bytes: Buffer, trailingComma: boolean): boolean => {
    // JSON is UTF-8; an all-ASCII cut (the usual case) decodes by a plain copy.
    const text = isAscii(bytes) ? bytes.toString('latin1') : utf8.decode(bytes)
    let elements: unknown
    try {
      elements = JSON.parse(text)
    } catch {
      return false
    }
    // `[]` from a cut between two commas (or after the last one) hides a syntax error: `[1,,2]`, `[1,]`.
    if (!Array.isArray(elements) || (elements.length === 0 && (trailingComma || sawComma))) return false
    sawComma ||= trailingComma
    witness!.parsed(text.slice(1, -1) + (trailingComma ? ',' : ''))
    options.onElements(elements, index, envelope)
    index += elements.length
    return true
  }

  /**
   * Cuts without scanning: SMD sends compact JSON whose elements all start with the same key (`{"ID":`), so the
   * last `},{"ID":` in the held bytes is very likely a boundary. JSON.parse of `[…]` up to it confirms the guess
   * (a cut inside a string or a nested value cannot parse); a wrong guess, or none, hands the bytes to scan().
   * This skips the byte-by-byte scan of nearly every cut (~0.4 s of CPU per 100k-node sync).
   */
  const guess = (): void => {
    const size = heldBytes + 1
    if (scratch.length < size + 1) scratch = Buffer.allocUnsafe(Math.max(size + 1, 2 * scratch.length))
    scratch[0] = 0x5b
    let at = 1
    for (const part of held) at += part.copy(scratch, at)
    boundary ??= learnBoundary(scratch.subarray(1, size))
    const comma = boundary.length > 0 ? scratch.subarray(0, size).lastIndexOf(boundary) + 1 : 0
    if (comma > 1) {
      scratch[comma] = 0x5d
      const rest = Buffer.from(scratch.subarray(comma + 1, size))
      if (parseCut(scratch.subarray(0, comma + 1), true)) {
        held = [rest]
        heldBytes = rest.length
        return
      }
      scratch[comma] = COMMA
    }
    // No boundary, or a wrong one: scan these bytes (a copy: scratch is reused).
    if (comma > 1 && ++misses >= 2) boundary = Buffer.alloc(0)
    guessing = false
    const bytes = Buffer.from(scratch.subarray(1, size))
    held = []
    heldBytes = 0
    scan(bytes, 0)
  }

  const breakAt = (text: string): void => {
    mode = 'broken'
    broken = { text, rest: createRestCounter() }
  }

  /**
   * Scans `chunk` from `from` in array mode, cutting at the first top-level comma past `cutBytes`, and switches to
   * tail mode at the closing `]`. Only strings and nesting are tracked; JSON.parse judges the rest.
   */
  const scan = (chunk: Buffer, from: number): void => {
    const n = chunk.length
    let start = from
    let i = from
    let d = depth
    let str = inString
    if (escaped && i < n) {
      escaped = false
      i++
    }
    while (i < n) {
      if (str) {
        // A plain loop beats indexOf here: SMD strings are short (xnames, MACs, IPs).
        while (i < n) {
          const c = chunk[i]!
          if (c === QUOTE) {
            str = false
            i++
            break
          }
          if (c === BACKSLASH) {
            if (i + 1 < n) i += 2
            else {
              escaped = true
              i++
            }
          } else i++
        }
        continue
      }
      const c = chunk[i++]!
      if (c === QUOTE) str = true
      else if (c === COMMA) {
        if (d === 1 && heldBytes + (i - 1 - start) >= cutBytes) {
          flush(chunk.subarray(start, i - 1), true)
          if (mode === 'broken') return broken!.rest.add(chunk.subarray(i))
          start = i
          if (boundary === undefined || boundary.length > 0) {
            // At a known boundary again: back to guessing for what follows.
            depth = 1
            inString = false
            guessing = true
            hold(chunk.subarray(i))
            if (heldBytes >= cutBytes) guess()
            return
          }
        }
      } else if (c === 0x7b || c === 0x5b) d++
      else if ((c === 0x7d || c === 0x5d) && --d === 0) {
        depth = 0
        if (c === 0x7d) {
          // `}` closing the array: JSON.parse of the whole body fails right there.
          breakAt(utf8.decode(Buffer.concat([...held, chunk.subarray(start, i - 1)])))
          held = []
          heldBytes = 0
        } else flush(chunk.subarray(start, i - 1), false)
        if (mode === 'broken') {
          broken!.rest.add(chunk.subarray(i - 1))
          return
        }
        mode = 'tail'
        hold(chunk.subarray(i))
        return
      }
    }
    depth = d
    inString = str
    hold(chunk.subarray(start))
  }

  const tryHead = (final: boolean): void => {
    const bytes = Buffer.concat(held, heldBytes)
    const start = bytes.toString('latin1', 0, Math.min(bytes.length, HEAD_LIMIT))
    for (const h of heads) {
      const m = h.pattern.exec(start)
      if (m === null) continue
      mode = 'array'
      envelope = h.key
      witness = createSyntaxWitness(m[0])
      held = []
      heldBytes = 0
      hold(bytes.subarray(m[0].length))
      if (heldBytes >= cutBytes) guess()
      return
    }
    if (final || bytes.length >= HEAD_LIMIT) mode = 'whole'
  }

  return {
    push(input) {
      const chunk = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength)
      if (mode === 'array' && !guessing) return scan(chunk, 0)
      if (mode === 'array') {
        hold(chunk)
        if (heldBytes >= cutBytes) guess()
        return
      }
      if (mode === 'broken') return broken!.rest.add(chunk)
      hold(chunk)
      if (mode === 'head') tryHead(false)
    },

    end() {
      if (mode === 'head') tryHead(true)
      if (mode === 'array' && guessing) {
        // The last cut, the closing bracket and what follows are still unscanned.
        guessing = false
        const bytes = Buffer.concat(held, heldBytes)
        held = []
        heldBytes = 0
        scan(bytes, 0)
      }
      if (mode === 'whole') return { kind: 'text', text: held.length === 0 ? '' : new TextDecoder().decode(Buffer.concat(held, heldBytes)) }
      if (mode === 'array') {
        // Truncated inside the array: JSON.parse stops at the end of what arrived.
        return witness!.fail(utf8.decode(Buffer.concat(held, heldBytes)), 0)
      }
      if (mode === 'broken') return witness!.fail(broken!.text + broken!.rest.head(), broken!.rest.remaining())
      const tail = utf8.decode(Buffer.concat(held, heldBytes))
      if (new RegExp(envelope === undefined ? `^${WS}$` : `^${WS}\\}${WS}$`).test(tail)) return { kind: 'streamed', envelope }
      // Something follows the array: a syntax error (the usual case), or more keys of the envelope object.
      const value = witness!.parseWith(`]${tail}`)
      const later = JSON.parse(`{${tail.replace(/^[ \t\n\r]*,/, '')}`) as Record<string, unknown>
      return { kind: 'streamed', envelope, later: { keys: new Set(Object.keys(later)), value } }
    },
  }
}

/** `},{"<key>":` from the first element of an array of objects in compact JSON, or an empty pattern (no guessing). */
function learnBoundary(first: Buffer): Buffer {
  const m = /^[ \t\n\r]*\{"([A-Za-z0-9_@.-]{1,64})":/.exec(first.toString('latin1', 0, 80))
  return m ? Buffer.from(`},{"${m[1]}":`) : Buffer.alloc(0)
}
