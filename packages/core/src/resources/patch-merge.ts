import { cloneJson, hasOwn, isJsonObject, setOwn, type JsonObject } from './json-value.js'

// Hand-written on purpose (issue 17), kept for safety rules the library lacks (`patches-safety.test.ts`):
// json-merge-patch 1.0 (the RFC 7386 library) mutates its target and silently drops `__proto__` and `constructor`
// members (`{"constructor":{"prototype":{…}}}` merges to `{}`), where RFC 7386 treats every name alike; here they
// are ordinary own members (setOwn) and no prototype is touched. The whole algorithm is the ten lines below.

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
