import { z } from 'zod'

/** The shape of one value, read from a domain zod schema (RES-9). */
export type ValueShape =
  | { readonly type: 'string'; readonly enum?: readonly string[]; readonly maxLength?: number }
  | { readonly type: 'integer' | 'number'; readonly minimum?: number; readonly maximum?: number }
  | { readonly type: 'boolean' }
  | { readonly type: 'array'; readonly items: ValueShape }
  /** An object whose values are all strings (labels, annotations). */
  | { readonly type: 'string-map' }
  /** An object with any keys whose values all have one shape (ClusterDefaults `networks`). */
  | { readonly type: 'map'; readonly values: ValueShape }
  /** An object whose values are any JSON (Group metaData, SPEC §16). */
  | { readonly type: 'json-map' }
  | { readonly type: 'object'; readonly fields: readonly FieldShape[] }

/** One member of an object schema, in declaration order (the SPEC table order). */
export interface FieldShape {
  readonly name: string
  readonly shape: ValueShape
  /** Neither optional nor defaulted. */
  readonly required: boolean
}

/** The subset of JSON Schema that `z.toJSONSchema` emits for our domain schemas. */
interface JsonSchema {
  type?: string
  enum?: string[]
  maxLength?: number
  minimum?: number
  maximum?: number
  items?: JsonSchema
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
}

const cache = new WeakMap<z.ZodType, readonly FieldShape[]>()

/**
 * The fields of a strict zod object schema, in declaration order, read through zod's public JSON Schema export so
 * the domain schemas stay the single source of field names, types and bounds. Cached per schema.
 * Throws a plain `Error` (a programming error, caught by the tests) for a construct validation does not know.
 */
export function objectFields(schema: z.ZodType): readonly FieldShape[] {
  let fields = cache.get(schema)
  if (fields === undefined) {
    const json = z.toJSONSchema(schema, { io: 'input' }) as JsonSchema
    const shape = toShape(json, 'root')
    if (shape.type !== 'object') throw new Error('expected an object schema')
    fields = shape.fields
    cache.set(schema, fields)
  }
  return fields
}

function toShape(json: JsonSchema, where: string): ValueShape {
  switch (json.type) {
    case 'string':
      return { type: 'string', enum: json.enum, maxLength: json.maxLength }
    case 'integer':
    case 'number':
      return { type: json.type, minimum: json.minimum, maximum: json.maximum }
    case 'boolean':
      return { type: 'boolean' }
    case 'array':
      if (json.items === undefined) break
      return { type: 'array', items: toShape(json.items, `${where}[]`) }
    case 'object':
      if (json.properties !== undefined && json.additionalProperties === false) {
        const required = new Set(json.required ?? [])
        const fields = Object.entries(json.properties).map(([name, child]) => ({
          name,
          shape: toShape(child, `${where}.${name}`),
          required: required.has(name),
        }))
        return { type: 'object', fields }
      }
      if (typeof json.additionalProperties === 'object' && json.additionalProperties.type === 'string') {
        return { type: 'string-map' }
      }
      if (typeof json.additionalProperties === 'object' && json.additionalProperties.type === undefined) {
        return { type: 'json-map' }
      }
      if (json.properties === undefined && typeof json.additionalProperties === 'object') {
        return { type: 'map', values: toShape(json.additionalProperties, `${where}.*`) }
      }
  }
  throw new Error(`validation does not support the schema at ${where}: ${JSON.stringify(json)}`)
}
