import { emitYamlDocument } from './_yaml-emit.js'
import { toYamlTextReference } from './_yaml-reference.js'

/**
 * Serialises a document for cloud-init, which reads YAML 1.1 (PyYAML). Writing with the 1.1 schema quotes every
 * string a 1.1 or 1.2 reader would take for another type (NC-11): `"1.0"`, `"1000"`, `"yes"`, `"on"`, and
 * sexagesimal-looking MACs such as `"12:34:56:12:34:56"`. Block style, no line folding, key order as inserted.
 * OPS-7: a hand-written emitter writes the usual documents (same bytes as the `yaml` package, property-tested);
 * anything it does not handle with certainty goes through the `yaml` package itself.
 */
export function toYamlText(value: unknown): string {
  return emitYamlDocument(value) ?? toYamlTextReference(value)
}
