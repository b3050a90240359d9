// The prototype-safe primitives of the hand-written patchers (issue 17: patch-json.ts and patch-merge.ts say why
// they are kept): every client-chosen key is written with setOwn and read with hasOwn.
/** A JSON object as parsed from a request body. */
export type JsonObject = Record<string, unknown>

/** True for a non-null, non-array object (what JSON calls an object). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Sets an own property. Plain assignment would treat a `__proto__` key from a JSON body as the prototype setter,
 * so every write of a client-chosen key goes through here.
 */
export function setOwn(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

/** True when `target` has `key` as an own property (never inherited ones such as `constructor`). */
export function hasOwn(target: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(target, key)
}

/** A deep copy of a JSON value; `undefined` stays `undefined`. */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => cloneJson(item)) as T
  if (isJsonObject(value)) {
    const copy: JsonObject = {}
    for (const [key, item] of Object.entries(value)) setOwn(copy, key, cloneJson(item))
    return copy as T
  }
  return value
}

/** JSON equality (RFC 6902 `test`): object member order does not matter, array order does. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]))
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a)
    return keys.length === Object.keys(b).length && keys.every((k) => hasOwn(b, k) && jsonEqual(a[k], b[k]))
  }
  return false
}
