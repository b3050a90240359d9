import { emitYamlDocument } from './_yaml-emit.js'

/**
 * Serialises a document for cloud-init, which reads YAML 1.1 with PyYAML's `safe_load` (NC-11, SPEC §16). Every
 * string a YAML 1.1 reader would take for another type is quoted (`"1.0"`, `"1000"`, `"yes"`, `"on"`, `"="`,
 * `"<<"`, base-60-looking MACs such as `"12:34:56:12:34:56"`), and every character PyYAML cannot read raw (control
 * characters, tab, U+2028/U+2029, the BOM, U+FFFE/U+FFFF, lone surrogates) is escaped in a double-quoted string, so
 * the document loads to exactly `value`. Block style, no line folding, key order as inserted (OPS-7: a hand-written
 * emitter; for the usual documents the same bytes as the `yaml` package). Throws `TypeError` for values JSON cannot
 * hold.
 */
export function toYamlText(value: unknown): string {
  return emitYamlDocument(value)
}
