import { GROUP_NAME_PATTERN } from '../domain/group.js'
import type { KindName } from '../domain/metadata.js'
import { MetadataError } from '../errors.js'
import { isStringMap } from './check-shape.js'
import { checkBodyDepth } from './json-depth.js'
import { hasOwn, isJsonObject, setOwn, type JsonObject } from './json-value.js'
import { nameRule } from './line-fields.js'
import { collectSpecProblems, parseSpec, type SpecOf } from './validate-spec.js'
import { noProblems, throwIfProblems } from './validation-problems.js'

/** `apiVersion` values accepted in bodies (RES-8); the wire always says `v1`. */
export const SUPPORTED_API_VERSIONS: readonly string[] = ['v1', 'cloud-init.openchami.io/v1']

/** A validated create or replace body. */
export interface WriteRequest<K extends KindName> {
  /** The requested name; `undefined` on a replace that keeps the current name. */
  readonly name: string | undefined
  readonly spec: SpecOf<K>
  /** `metadata.labels` with the top-level `labels` merged on top; `undefined` when neither was sent. */
  readonly labels: Record<string, string> | undefined
  readonly annotations: Record<string, string> | undefined
}

/**
 * Parses a RES-3 create (`mode: 'create'`) or RES-4 replace body: `{metadata:{name, labels?, annotations?}, spec,
 * apiVersion?, kind?, labels?, annotations?}`. A missing spec is `{}`; `status`, `uid`, timestamps and unknown
 * top-level members are ignored.
 *
 * Throws `MetadataError` with code INVALID_BODY (`invalid request body: expected a JSON object`, or nested deeper
 * than MAX_JSON_DEPTH),
 * UNSUPPORTED_VERSION (`Unsupported version`, `details.requested`) or VALIDATION_FAILED (RES-9 spec messages, then
 * envelope messages; `metadata.name is required` on create, the Group name rule, and no control characters in
 * any kind's name).
 */
export function parseWriteRequest<K extends KindName>(
  kind: K,
  body: unknown,
  mode: 'create' | 'replace',
): WriteRequest<K> {
  checkBodyDepth(body)
  if (!isJsonObject(body)) throw notAnObject()
  const { apiVersion } = body
  if (typeof apiVersion === 'string' && !SUPPORTED_API_VERSIONS.includes(apiVersion)) {
    throw new MetadataError('UNSUPPORTED_VERSION', 'Unsupported version', { details: { requested: apiVersion } })
  }
  const envelope = noProblems()
  const typeIs = (ok: boolean, text: string) => void (ok || envelope.types.push(text))
  typeIs(apiVersion === undefined || typeof apiVersion === 'string', 'apiVersion must be a string')
  typeIs(body.kind === undefined || typeof body.kind === 'string', 'kind must be a string')
  const metadata: JsonObject = isJsonObject(body.metadata) ? body.metadata : {}
  typeIs(body.metadata === undefined || isJsonObject(body.metadata), 'metadata must be an object')
  const { name } = metadata
  typeIs(name === undefined || typeof name === 'string', 'metadata.name must be a string')
  const maps = [
    ['metadata.labels', metadata.labels],
    ['labels', body.labels],
    ['metadata.annotations', metadata.annotations],
    ['annotations', body.annotations],
  ] as const
  for (const [path, value] of maps) {
    typeIs(value === undefined || isStringMap(value), `${path} must be an object with string values`)
  }

  const spec = body.spec === undefined ? {} : body.spec
  const problems = noProblems()
  collectSpecProblems(kind, spec, problems)
  const givenName = typeof name === 'string' && name !== '' ? name : undefined
  if (mode === 'create' && (name === undefined || name === '')) envelope.rules.push('metadata.name is required')
  if (kind === 'Group' && givenName !== undefined && !GROUP_NAME_PATTERN.test(givenName)) {
    // Issue 17: the rule in words (it is GROUP_NAME_PATTERN); a Group name becomes the document path /<name>.yaml.
    envelope.rules.push("metadata.name of a Group may hold only letters, digits, '-', ':', '.' and '_'")
  } else {
    // SPEC §16: names land in document lines and log lines.
    const rule = nameRule('metadata.name', givenName)
    if (rule !== undefined) envelope.rules.push(rule)
  }
  throwIfProblems({
    types: [...problems.types, ...envelope.types],
    unknown: problems.unknown,
    rules: [...problems.rules, ...envelope.rules],
  })
  return {
    name: givenName,
    spec: parseSpec(kind, spec),
    labels: mergeStringMaps(metadata.labels, body.labels),
    annotations: mergeStringMaps(metadata.annotations, body.annotations),
  }
}

/**
 * Merges string maps left to right (later keys win); `undefined` inputs are skipped, and the result is `undefined`
 * when every input is. Inputs must already be string maps.
 */
export function mergeStringMaps(...maps: readonly unknown[]): Record<string, string> | undefined {
  const present = maps.filter(isStringMap)
  if (present.length === 0) return undefined
  const merged: Record<string, string> = {}
  for (const map of present) for (const [key, value] of Object.entries(map)) setOwn(merged, key, value)
  return merged
}

/**
 * The status carried by a RES-7 body: `body.status` when the body has a `status` member (`{"status":{…}}`, or a
 * whole resource), else the body itself. Throws INVALID_BODY when the body is not a JSON object or nests deeper
 * than MAX_JSON_DEPTH.
 */
export function statusFromBody(body: unknown): unknown {
  checkBodyDepth(body)
  if (!isJsonObject(body)) throw notAnObject()
  return hasOwn(body, 'status') ? body.status : body
}

/** RES-8 `invalid request body: …` for a body that parsed as JSON but is not an object. */
function notAnObject(): MetadataError {
  return new MetadataError('INVALID_BODY', 'invalid request body: expected a JSON object')
}
