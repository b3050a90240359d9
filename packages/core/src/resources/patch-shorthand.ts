import { jsonDepth, MAX_JSON_DEPTH } from './json-depth.js'
import { cloneJson, hasOwn, isJsonObject, setOwn, type JsonObject } from './json-value.js'
import { patchFailed } from './patch-failed.js'

// Hand-written because the format is ours (RES-6 `application/shorthand-patch+json`): no library implements it.
// Client-chosen segments go through setOwn/hasOwn like the other patchers (`patches-safety.test.ts`, issue 17).

/**
 * The shorthand patch (RES-6, `application/shorthand-patch+json`): `{"a.b": v}` sets member `b` of object `a`,
 * creating missing objects on the way; a `null` value removes the member (a no-op when the path does not exist).
 * Keys apply in body order to a copy of `document`, which is never mutated. A member name containing `.` cannot be
 * addressed this way (use JSON Patch).
 *
 * Throws `MetadataError('PATCH_FAILED', …)` when the patch is not an object, a key has an empty segment, a value
 * would have to be set below something that is not an object, or the spec would nest deeper than MAX_JSON_DEPTH
 * levels (issue 16: `a.a.a…` keys build depth from a flat body).
 */
export function applyShorthandPatch(document: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) throw patchFailed('a shorthand patch must be an object of "dotted.path": value')
  const root: JsonObject = isJsonObject(document) ? cloneJson(document) : {}
  for (const [dotted, value] of Object.entries(patch)) {
    const segments = dotted.split('.')
    if (segments.includes('')) throw patchFailed(`invalid path "${dotted}": empty segment`)
    if (value === null) removePath(root, segments)
    else setPath(root, segments, cloneJson(placeable(segments, value, dotted)), dotted)
  }
  return root
}

/** `value`, once sure that setting it at `segments` keeps the spec within MAX_JSON_DEPTH levels (issue 16). */
function placeable(segments: readonly string[], value: unknown, dotted: string): unknown {
  if (segments.length + jsonDepth(value, MAX_JSON_DEPTH - segments.length) > MAX_JSON_DEPTH) {
    const shown = dotted.length > 80 ? `${dotted.slice(0, 80)}…` : dotted
    throw patchFailed(`cannot set ${shown}: the spec would nest deeper than ${MAX_JSON_DEPTH} levels`)
  }
  return value
}

function setPath(root: JsonObject, segments: string[], value: unknown, dotted: string): void {
  let node = root
  for (const [i, segment] of segments.slice(0, -1).entries()) {
    if (!hasOwn(node, segment) || node[segment] === undefined) setOwn(node, segment, {})
    const next = node[segment]
    if (!isJsonObject(next)) {
      throw patchFailed(`cannot set ${dotted}: ${segments.slice(0, i + 1).join('.')} is not an object`)
    }
    node = next
  }
  setOwn(node, segments[segments.length - 1] ?? '', value)
}

function removePath(root: JsonObject, segments: string[]): void {
  let node: unknown = root
  for (const segment of segments.slice(0, -1)) {
    if (!isJsonObject(node) || !hasOwn(node, segment)) return
    node = node[segment]
  }
  const leaf = segments[segments.length - 1] ?? ''
  if (isJsonObject(node) && hasOwn(node, leaf)) delete node[leaf]
}
