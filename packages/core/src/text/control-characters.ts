// SPEC §16 "Strings that land in a document line", issue 16 items 4 and 6: one class of characters that break a
// line-based document or a YAML 1.1 reader when written raw. Fields that land in a document line refuse them, and
// text echoed into an error body or a log line carries them escaped.

// C0 (tab, LF and CR included), DEL and C1 (NEL included): Unicode's control characters. U+2028 and U+2029: line
// breaks to YAML 1.1 (PyYAML) and to many line readers. U+FEFF, U+FFFE, U+FFFF: a BOM (an invisible line start
// to PyYAML) and noncharacters that PyYAML refuses raw.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_ALL = /[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/g

/**
 * The first control character of `text` as `U+XXXX` (C0 including tab and newline, DEL, C1, U+2028, U+2029,
 * U+FEFF, U+FFFE, U+FFFF), or `undefined` when it has none.
 */
export function controlCharacterIn(text: string): string | undefined {
  const found = CONTROL.exec(text)?.[0]
  return found === undefined ? undefined : codePoint(found)
}

/**
 * `text` with every control character (as {@link controlCharacterIn} counts them) written as a `\uXXXX` escape, so
 * that client-chosen text (a path, a name) cannot end a line, forge another or reach a terminal raw when it is
 * echoed in a plain-text error body or a log line.
 */
export function escapeControlCharacters(text: string): string {
  return CONTROL.test(text) ? text.replace(CONTROL_ALL, (c) => `\\u${hex4(c)}`) : text
}

// --- internal ---

function codePoint(char: string): string {
  return `U+${hex4(char).toUpperCase()}`
}

function hex4(char: string): string {
  return char.charCodeAt(0).toString(16).padStart(4, '0')
}
