import { KINDS, type ResourceOf } from '../domain/kinds.js'
import type { KindName } from '../domain/metadata.js'
import { checkObjectTypes } from './check-shape.js'
import { isJsonObject } from './json-value.js'
import { objectFields } from './schema-shape.js'
import { noProblems, parseChecked, throwIfProblems } from './validation-problems.js'

/** The status type of a kind. */
export type StatusOf<K extends KindName> = ResourceOf<K>['status']

/**
 * RES-7: checks a status body against the kind's status schema and returns it typed, with `ready` / `valid`
 * defaulting to false when absent. Throws `MetadataError('VALIDATION_FAILED', 'validation failed: …')` for type
 * errors (`ready must be a boolean`) and `unknown fields in status: [x]`; `status must be an object` for a
 * non-object.
 */
export function validateStatus<K extends KindName>(kind: K, status: unknown): StatusOf<K> {
  const problems = noProblems()
  if (!isJsonObject(status)) {
    problems.types.push('status must be an object')
  } else {
    const found = checkObjectTypes(objectFields(KINDS[kind].statusSchema), status)
    problems.types.push(...found.types)
    if (found.unknown.length > 0) {
      problems.unknown.push(`unknown fields in status: [${found.unknown.sort().join(', ')}]`)
    }
  }
  throwIfProblems(problems)
  return parseChecked(KINDS[kind].statusSchema, status, 'status') as StatusOf<K>
}

/** The status a new resource starts with: the schema defaults (`{ready: false}`, Group `{valid: false}`). */
export function defaultStatus<K extends KindName>(kind: K): StatusOf<K> {
  return KINDS[kind].statusSchema.parse({}) as StatusOf<K>
}
