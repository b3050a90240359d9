import { cloneJson, hasOwn, isJsonObject, setOwn, type JsonObject } from './json-value.js'

/**
 * RFC 7386 JSON merge patch (RES-6 default format, RES-7 status PATCH). A non-object patch replaces the target
 * whole; in an object patch, `null` removes a member and objects merge recursively. Never throws and never
 * mutates its arguments.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return cloneJson(patch)
  const result: JsonObject = isJsonObject(target) ? cloneJson(target) : {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key]
    else setOwn(result, key, applyMergePatch(hasOwn(result, key) ? result[key] : undefined, value))
  }
  return result
}
