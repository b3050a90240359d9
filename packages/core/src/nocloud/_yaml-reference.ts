import { stringify } from 'yaml'

/** The `yaml` options every NoCloud document is written with (NC-11): YAML 1.1 quoting, no line folding. */
export const YAML_TEXT_OPTIONS = { version: '1.1', lineWidth: 0 } as const

/**
 * The reference serialiser: the `yaml` package with {@link YAML_TEXT_OPTIONS}. The fast emitter (OPS-7) must give
 * the same bytes; it falls back to this for any value it does not handle with certainty.
 */
export function toYamlTextReference(value: unknown): string {
  return stringify(value, YAML_TEXT_OPTIONS)
}
