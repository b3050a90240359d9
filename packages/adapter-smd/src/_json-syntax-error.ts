// The exact JSON.parse error for a body read in cuts (SMD-6: `invalid SMD response from <path>: <JSON.parse
// message>`). The message depends on the error's position, on the parser's state there, on up to 10 characters
// either side and on the body's length. A stand-in body rebuilt from (a) the real opening up to `[`, (b) valid
// placeholders of the same length for the cuts already dropped (`0,` and spaces), (c) the real text of the
// last cuts, of the failing cut and of what follows it, puts JSON.parse in the same state at the same position
// with the same neighbours, so it throws the same SyntaxError, message included. Since Node.js 22 (V8 12) the
// message also names the line and column, so the placeholders keep the dropped text's number of line breaks and
// the length of its last line.

/** Remembers what {@link createJsonArrayStream} parsed, to replay a failure. */
export interface SyntaxWitness {
  /** A cut that parsed: its text between the brackets, with its trailing comma if it had one. */
  parsed(text: string): void
  /**
   * Throws the SyntaxError of the body made of the cuts parsed so far, then `text`, then `unkept` characters that
   * were not kept (they only matter through the body's length).
   */
  fail(text: string, unkept: number): never
  /** JSON.parse of the cuts parsed so far followed by `text`; throws JSON.parse's SyntaxError. */
  parseWith(text: string): unknown
}

// Characters of real text kept before a failing cut: JSON.parse quotes at most 10 before the error.
const KEPT_BEFORE = 32

/** A witness for a body whose array opens with `head` (e.g. `{"Components":[`). */
export function createSyntaxWitness(head: string): SyntaxWitness {
  const recent: string[] = []
  let recentChars = 0
  const dropped = { chars: 0, lineBreaks: 0, lastLine: 0 }

  const body = (text: string): string => head + filler(dropped) + recent.join('') + text

  return {
    parsed(text) {
      recent.push(text)
      recentChars += text.length
      while (recent.length > 1 && recentChars - recent[0]!.length >= KEPT_BEFORE) {
        const first = recent.shift()!
        recentChars -= first.length
        drop(dropped, first)
      }
    },
    fail(text, unkept) {
      // Past the ~74 kept characters after the break, only "is the error within 10 of the end" matters.
      JSON.parse(body(text) + ' '.repeat(Math.min(unkept, 32)))
      // Unreachable for a body the cuts could not parse; kept as the truncation message, never as success.
      throw new SyntaxError('Unexpected end of JSON input')
    },
    parseWith: (text) => JSON.parse(body(text)) as unknown,
  }
}

/** Adds a cut to the dropped text's counts: a cut ends with its comma, so no `\r\n` spans two cuts. */
function drop(dropped: { chars: number; lineBreaks: number; lastLine: number }, text: string): void {
  const breaks = text.match(LINE_BREAK)
  dropped.chars += text.length
  if (breaks === null) {
    dropped.lastLine += text.length
    return
  }
  dropped.lineBreaks += breaks.length
  dropped.lastLine = text.length - Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r')) - 1
}

/** JSON's line breaks as V8 counts them for its `(line n column m)`: `\r\n`, `\r` or `\n`. */
const LINE_BREAK = /\r\n|\r|\n/g

/**
 * Valid array elements standing in for the dropped cuts: as many characters, line breaks and characters after the
 * last one. The dropped text ends with a comma after at least one other character, so `0,` fits.
 */
function filler(dropped: { chars: number; lineBreaks: number; lastLine: number }): string {
  const { chars, lineBreaks, lastLine } = dropped
  if (chars === 0) return ''
  if (lineBreaks === 0) return `0,${' '.repeat(chars - 2)}`
  // Characters before the last line break that a single `\n` per break leaves over (≥ 0: `\r\n` is two).
  const before = chars - lineBreaks - lastLine
  const breaks = '\n'.repeat(lineBreaks)
  // The last line is the comma alone: the element sits before the breaks, so `before` ≥ 1.
  if (lastLine === 1) return `0${' '.repeat(before - 1)}${breaks},`
  return `${' '.repeat(before)}${breaks}0,${' '.repeat(lastLine - 2)}`
}

/** Keeps the first characters of the rest of a broken body and counts the others (UTF-16 units, as JSON.parse). */
export interface RestCounter {
  add(bytes: Uint8Array): void
  head(): string
  remaining(): number
}

const KEPT_REST = 64 // JSON.parse quotes at most 10 characters after the error

/** A counter for the rest of a body after the place where it broke. */
export function createRestCounter(): RestCounter {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
  let head = ''
  let count = 0
  return {
    add(bytes) {
      const text = decoder.decode(bytes, { stream: true })
      if (head.length < KEPT_REST) {
        const take = text.slice(0, KEPT_REST - head.length)
        head += take
        count += text.length - take.length
      } else {
        count += text.length
      }
    },
    head: () => {
      const text = decoder.decode()
      const take = text.slice(0, Math.max(0, KEPT_REST - head.length))
      head += take
      count += text.length - take.length
      return head
    },
    remaining: () => count,
  }
}
