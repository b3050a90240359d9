/**
 * `text` as a flat string with the same characters, for strings kept long (the document cache, OPS-7).
 *
 * V8 keeps a string built by concatenation (a rendered document, a template's output) as a rope of every piece:
 * about 6.5 times its length on Node 24 for a 40-line document. Node 20's V8 flattened a rope in place when a char
 * was read (`charCodeAt`); Node 22/24's does not any more. Slicing a rope flattens it on every version, and the
 * slice then holds the flat copy: `text` plus one character, whatever its representation was.
 */
export function flatText(text: string): string {
  return `${text} `.slice(0, -1)
}
