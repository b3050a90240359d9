import { hasOwn, isJsonObject, type JsonObject } from './json-value.js'
import type { FieldShape, ValueShape } from './schema-shape.js'

/** What {@link checkObjectTypes} found. */
export interface TypeFindings {
  /** Type error messages, in field order (nested fields right after their parent's position). */
  readonly types: string[]
  /** Unknown member paths (`foo`, `templateHistory[0].bar`), unsorted. */
  readonly unknown: string[]
  /** Top-level fields that have a type error; their RES-9 rules are skipped. */
  readonly badFields: Set<string>
}

/**
 * RES-9 steps 1 and 2 for an object: the type of every present member (absent and `undefined` count as absent),
 * and members the schema does not declare. Required top-level fields are checked later with the rules; a required
 * member missing inside a nested object is reported here as `<path> is required`.
 */
export function checkObjectTypes(fields: readonly FieldShape[], value: JsonObject): TypeFindings {
  const findings: TypeFindings = { types: [], unknown: [], badFields: new Set() }
  checkMembers(fields, value, '', findings, false)
  return findings
}

function checkMembers(
  fields: readonly FieldShape[],
  value: JsonObject,
  prefix: string,
  findings: TypeFindings,
  nested: boolean,
): void {
  const known = new Set(fields.map((f) => f.name))
  for (const field of fields) {
    const path = prefix + field.name
    const member = hasOwn(value, field.name) ? value[field.name] : undefined
    const before = findings.types.length
    if (member === undefined) {
      if (nested && field.required) findings.types.push(`${path} is required`)
    } else {
      checkValue(field.shape, member, path, findings)
    }
    if (findings.types.length > before && !nested) findings.badFields.add(field.name)
  }
  for (const key of Object.keys(value)) if (!known.has(key)) findings.unknown.push(prefix + key)
}

function checkValue(shape: ValueShape, value: unknown, path: string, findings: TypeFindings): void {
  const problem = (text: string) => void findings.types.push(`${path} ${text}`)
  switch (shape.type) {
    case 'string':
      if (typeof value !== 'string') return problem('must be a string')
      if (shape.enum !== undefined && !shape.enum.includes(value)) {
        return problem(`must be one of: ${shape.enum.join(', ')}`)
      }
      return
    case 'integer':
      return Number.isSafeInteger(value) ? undefined : problem('must be an integer')
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : problem('must be a number')
    case 'boolean':
      return typeof value === 'boolean' ? undefined : problem('must be a boolean')
    case 'string-map':
      return isStringMap(value) ? undefined : problem('must be an object with string values')
    case 'json-map':
      return isJsonObject(value) ? undefined : problem('must be an object')
    case 'object':
      if (!isJsonObject(value)) return problem('must be an object')
      return checkMembers(shape.fields, value, `${path}.`, findings, true)
    case 'map':
      if (!isJsonObject(value)) return problem('must be an object')
      for (const [key, item] of Object.entries(value)) checkValue(shape.values, item, `${path}.${key}`, findings)
      return
    case 'array':
      return checkArray(shape.items, value, path, findings)
  }
}

function checkArray(items: ValueShape, value: unknown, path: string, findings: TypeFindings): void {
  if (items.type === 'string') {
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
      findings.types.push(`${path} must be an array of strings`)
    }
    return
  }
  if (!Array.isArray(value)) return void findings.types.push(`${path} must be an array`)
  value.forEach((item, i) => checkValue(items, item, `${path}[${i}]`, findings))
}

/** True for a JSON object whose values are all strings (RES-2 labels and annotations, Group metaData). */
export function isStringMap(value: unknown): value is Record<string, string> {
  return isJsonObject(value) && Object.values(value).every((v) => typeof v === 'string')
}
