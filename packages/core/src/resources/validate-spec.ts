import { KINDS, type ResourceOf } from '../domain/kinds.js'
import type { KindName } from '../domain/metadata.js'
import { isHttpUrl } from '../text/http-url.js'
import { controlCharacterIn } from '../text/control-characters.js'
import { checkObjectTypes } from './check-shape.js'
import { isJsonObject } from './json-value.js'
import { lineFieldRules } from './line-fields.js'
import { objectFields, type FieldShape } from './schema-shape.js'
import { noProblems, parseChecked, throwIfProblems, type ValidationProblems } from './validation-problems.js'
import { reservedNetworkNameProblems } from '../networks/network-names.js'

/** The spec type of a kind. */
export type SpecOf<K extends KindName> = ResourceOf<K>['spec']

/**
 * Fields that must be absolute http(s) URLs when set (RES-9). The only rule the zod schemas do not carry (stored
 * files written by earlier versions must keep loading); typed by the spec so a renamed field fails to compile.
 */
const URL_FIELDS: { readonly [K in KindName]: readonly (keyof SpecOf<K>)[] } = {
  ClusterDefaults: ['base_url'],
  Group: [],
  InstanceInfo: ['cloud_init_base_url'],
  WireGuardPeer: [],
}

/**
 * RES-9: checks `spec` against the kind's schema and returns it typed, with defaults applied (Group `template` "").
 * Throws `MetadataError('VALIDATION_FAILED', 'validation failed: <m1>; <m2>')` listing type errors, then unknown
 * fields, then per-field rules in schema order. Kind checks (TPL-4, WG-11) are not run here.
 */
export function validateSpec<K extends KindName>(kind: K, spec: unknown): SpecOf<K> {
  const problems = noProblems()
  collectSpecProblems(kind, spec, problems)
  throwIfProblems(problems)
  return parseSpec(kind, spec)
}

/** Adds the RES-9 problems of `spec` to `problems` (the caller may add envelope problems before throwing). */
export function collectSpecProblems(kind: KindName, spec: unknown, problems: ValidationProblems): void {
  if (!isJsonObject(spec)) {
    problems.types.push('spec must be an object')
    return
  }
  const fields = objectFields(KINDS[kind].specSchema)
  const found = checkObjectTypes(fields, spec)
  problems.types.push(...found.types)
  if (found.unknown.length > 0) problems.unknown.push(`unknown fields in spec: [${found.unknown.sort().join(', ')}]`)
  const urlFields: readonly PropertyKey[] = URL_FIELDS[kind]
  for (const field of fields) {
    if (found.badFields.has(field.name)) continue
    problems.rules.push(...fieldRules(field, spec[field.name], urlFields.includes(field.name)))
  }
  // SPEC §16: no control characters in what lands in a document line (fields of the wrong type are skipped).
  problems.rules.push(...lineFieldRules(kind, spec))
  // Issue 18: a network named `__proto__` would be dropped silently by the schema parser; refused instead.
  if (kind === 'ClusterDefaults' || kind === 'InstanceInfo') problems.rules.push(...reservedNetworkNameProblems(spec['networks']))
}

/** Parses a spec that passed {@link collectSpecProblems}, applying the schema defaults. */
export function parseSpec<K extends KindName>(kind: K, spec: unknown): SpecOf<K> {
  return parseChecked(KINDS[kind].specSchema, spec, 'spec') as SpecOf<K>
}

/** RES-9 step 3 for one well-typed field: required ("" counts as missing), URL, length and range. */
function fieldRules(field: FieldShape, value: unknown, isUrl: boolean): string[] {
  const { name, shape } = field
  if (value === undefined || value === '') return field.required ? [`${name} is required`] : []
  const messages: string[] = []
  // A control character is reported by the line rule alone (SPEC §16); the URL is judged on the stored string.
  if (isUrl && typeof value === 'string' && controlCharacterIn(value) === undefined && !isHttpUrl(value)) {
    messages.push(`${name} must be an absolute http:// or https:// URL`)
  }
  if (shape.type === 'string' && shape.maxLength !== undefined && String(value).length > shape.maxLength) {
    messages.push(`${name} must be at most ${shape.maxLength} characters`)
  }
  if ((shape.type === 'integer' || shape.type === 'number') && typeof value === 'number') {
    if (shape.minimum !== undefined && value < shape.minimum) messages.push(`${name} must be at least ${shape.minimum}`)
    if (shape.maximum !== undefined && value > shape.maximum) messages.push(`${name} must be at most ${shape.maximum}`)
  }
  return messages
}
