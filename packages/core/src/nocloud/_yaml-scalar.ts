import { Document } from 'yaml'
import { YAML_TEXT_OPTIONS } from './_yaml-reference.js'

// The schema `stringify` builds for YAML_TEXT_OPTIONS: its tags decide which plain strings a YAML 1.1 reader would
// retype ("1.0", "1000", "yes", "on", base-60 MACs), so NC-11 quoting stays the `yaml` package's own rule.
const schema = new Document(null, YAML_TEXT_OPTIONS).schema
const retypingTags = [...schema.tags, ...(schema.compat ?? [])].filter(
  (tag) => tag.default && tag.tag !== 'tag:yaml.org,2002:str' && 'test' in tag && tag.test,
)

// Characters the fast path refuses: control characters (incl. newline; tab is allowed), C1 controls and lone
// surrogates (the `yaml` package escapes those) — such strings go to the reference serialiser.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u
// Indicator and whitespace positions that make a plain scalar invalid (the `yaml` package's plainString rule).
const NOT_PLAIN = /^[\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|:[ \t]|[\t ]#|[\t :]$/
// Document markers change quoting with the indentation; not worth a fast path.
const DOCUMENT_MARKER = /^(?:---|\.\.\.)/
// The `yaml` package writes the string `<<` as the YAML 1.1 merge key, unquoted; left to it.
const MERGE_KEY = '<<'
// Longer implicit keys become explicit `? key` entries.
const MAX_IMPLICIT_KEY = 1024

/** True when a YAML 1.1 reader would take plain `text` for something other than a string (NC-11). */
export function wouldRetype(text: string): boolean {
  return retypingTags.some((tag) => (tag as { test: RegExp }).test.test(text))
}

/**
 * One string as the `yaml` package writes it in block context with {@link YAML_TEXT_OPTIONS}: plain, or quoted
 * when plain would be invalid or retyped (NC-11). `key` is true for mapping keys. Returns `undefined` for strings
 * the fast path does not handle (control characters, newlines, lone surrogates, document markers, `<<`, long keys).
 */
export function yamlString(value: string, key: boolean): string | undefined {
  if (UNSAFE.test(value) || DOCUMENT_MARKER.test(value) || value === MERGE_KEY) return undefined
  const text = NOT_PLAIN.test(value) || wouldRetype(value) ? quoted(value) : value
  return key && text.length > MAX_IMPLICIT_KEY ? undefined : text
}

// --- internal ---

/** Single-line quoting: single quotes only when the text has `"` and no `'`; JSON escaping equals YAML's here. */
function quoted(value: string): string {
  if (value.includes('"') && !value.includes("'")) return `'${value}'`
  return JSON.stringify(value)
}
