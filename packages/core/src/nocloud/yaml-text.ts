import { stringify } from 'yaml'

/**
 * Serialises a document for cloud-init, which reads YAML 1.1 (PyYAML). Writing with the 1.1 schema quotes every
 * string a 1.1 or 1.2 reader would take for another type (NC-11): `"1.0"`, `"1000"`, `"yes"`, `"on"`, and
 * sexagesimal-looking MACs such as `"12:34:56:12:34:56"`. Block style, no line folding, key order as inserted.
 */
export function toYamlText(value: unknown): string {
  return stringify(value, { version: '1.1', lineWidth: 0 })
}
