import { Document } from 'yaml'
import { YAML_TEXT_OPTIONS } from './_yaml-reference.js'

// The schema `stringify` builds for YAML_TEXT_OPTIONS: its tags decide which plain strings a YAML 1.1 reader would
// retype ("1.0", "1000", "yes", "on", base-60 MACs), so NC-11 quoting stays a superset of the `yaml` package's.
const schema = new Document(null, YAML_TEXT_OPTIONS).schema
const retypingTags = [...schema.tags, ...(schema.compat ?? [])].filter(
  (tag) => tag.default && tag.tag !== 'tag:yaml.org,2002:str' && 'test' in tag && tag.test,
)

// PyYAML's implicit resolvers (resolver.py), which is what cloud-init reads with (issue 16 item 4). They differ from
// the `yaml` package's 1.1 tags: `=` (value) and `<<` (merge) have no safe constructor, `1.` is a float, `1_0` an int.
const PYYAML_RESOLVERS: readonly RegExp[] = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[01_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:|<<|=|~|null|Null|NULL|!|&|\*)$/,
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
]
// Every resolver of either reader needs one of these first characters (or the empty string): a cheap pre-check
// on the hot path (OPS-7).
const MAY_RETYPE = /^(?:$|[-+0-9.~<=!&*eEyYnNtTfFoO])/

// Characters that may not appear raw in any scalar PyYAML reads: C0 (tab too: PyYAML's plain scalars stop at it),
// DEL, C1 (NEL is a line break), U+2028/U+2029 (line breaks in YAML 1.1), the BOM, U+FFFE/U+FFFF (outside PyYAML's
// printable set) and lone surrogates. Strings holding one are written double-quoted with escapes.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_ESCAPE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\u{D800}-\u{DFFF}]/u
// What JSON.stringify leaves raw among them; YAML's double-quoted style reads `\uXXXX` like JSON.
const JSON_LEAVES_RAW = /[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/g
// Indicator and whitespace positions that make a plain scalar invalid (the `yaml` package's plainString rule).
const NOT_PLAIN = /^[\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|:[ \t]|[\t ]#|[\t :]$/
// Document markers at the start of a line end the document.
const DOCUMENT_MARKER = /^(?:---|\.\.\.)/

/** Longest mapping key written as an implicit `key: value` (PyYAML and YAML 1.1 allow 1,024 characters). */
export const MAX_IMPLICIT_KEY = 1024

/** True when a YAML 1.1 reader (the `yaml` package's 1.1 schema, or PyYAML) would take plain `text` for a non-string. */
export function wouldRetype(text: string): boolean {
  if (!MAY_RETYPE.test(text)) return false
  return PYYAML_RESOLVERS.some((re) => re.test(text)) || retypingTags.some((tag) => (tag as { test: RegExp }).test.test(text))
}

/**
 * One string as a YAML scalar that PyYAML and the `yaml` package both read back as exactly that string (NC-11,
 * issue 16): plain when that is safe; single-quoted when it holds `"` but no `'`; otherwise double-quoted, with
 * JSON's escapes plus `\uXXXX` for DEL, C1, U+2028/U+2029, the BOM and U+FFFE/U+FFFF. Never multi-line. For the
 * usual strings, byte for byte what the `yaml` package writes with {@link YAML_TEXT_OPTIONS}.
 */
export function yamlString(value: string): string {
  if (NEEDS_ESCAPE.test(value)) return doubleQuoted(value)
  if (NOT_PLAIN.test(value) || DOCUMENT_MARKER.test(value) || wouldRetype(value)) {
    return value.includes('"') && !value.includes("'") ? `'${value}'` : doubleQuoted(value)
  }
  return value
}

// --- internal ---

function doubleQuoted(value: string): string {
  return JSON.stringify(value).replace(JSON_LEAVES_RAW, unicodeEscape)
}

function unicodeEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
}
