import { jsonDepth, jsonValueCount, MAX_JSON_DEPTH } from './json-depth.js'
import { parseArrayIndex, parseJsonPointer } from './json-pointer.js'
import { cloneJson, hasOwn, isJsonObject, jsonEqual, setOwn, type JsonObject } from './json-value.js'
import { patchFailed } from './patch-failed.js'

// Hand-written on purpose (issue 17), kept for safety rules the libraries lack (`patches-safety.test.ts`). On the
// json-patch-tests suite at its repository head (108 cases; its npm release, 91, runs in patch-json.conformance.test)
// this passes all, fast-json-patch 3.1 fails 2 (an index with a leading zero) and rfc6902 5.4 fails 1 (`~2` in a
// pointer). Beyond it: fast-json-patch refuses every `__proto__` member, even one the spec holds, yet takes
// inherited members as present (`remove /toString` succeeds, `move` from `/constructor` puts Object's constructor
// function into the document), throws a TypeError (a 500) on a move into a child and removes the whole document;
// rfc6902 replaces the result's prototype on `add /__proto__`, reads inherited members and crashes on `move` from
// `/constructor`. Neither gives the RES-6 details, so their errors would have to be re-derived here anyway.

const OPS = ['add', 'remove', 'replace', 'move', 'copy', 'test'] as const
type Op = (typeof OPS)[number]

interface Operation {
  readonly op: Op
  readonly path: string[]
  readonly from: string[] | undefined
  readonly value: unknown
}

type Container = JsonObject | unknown[]

/**
 * The most values one JSON Patch may copy in all (issue 16: `copy` of a member into itself doubles the document
 * with every operation, so 40 operations of a small body would need terabytes).
 */
export const MAX_PATCH_COPIED_VALUES = 65_536

/** Thrown inside one operation; the caller prefixes the operation it came from. */
class StepError extends Error {}

/**
 * RFC 6902 JSON Patch (RES-6, `application/json-patch+json`), applied to `document` (the spec, so paths are relative
 * to it: `/metaData/color`). Supports add, remove, replace, move, copy and test, `~0`/`~1` escapes and the `-`
 * array index. Operations apply in order to a copy; `document` is never mutated.
 *
 * Throws `MetadataError('PATCH_FAILED', 'failed to apply patch to spec: <detail>')` for a malformed patch, a path
 * that does not exist, a failed `test`, a value that would nest deeper than MAX_JSON_DEPTH levels in the spec, or
 * copies of more than {@link MAX_PATCH_COPIED_VALUES} values in all (issue 16: bounded work per request).
 */
export function applyJsonPatch(document: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw patchFailed('a JSON Patch must be an array of operations')
  // The document sits under a holder so that "" (the whole document) is an ordinary member.
  const holder: JsonObject = { root: cloneJson(document) }
  const budget = { copies: MAX_PATCH_COPIED_VALUES }
  patch.forEach((raw, index) => {
    const operation = parseOperation(raw, index)
    try {
      applyOperation(holder, operation, budget)
    } catch (err) {
      if (!(err instanceof StepError)) throw err
      const op = raw as { op: string; path: string }
      throw patchFailed(`operation ${index} (${op.op} ${op.path}): ${err.message}`)
    }
  })
  if (!hasOwn(holder, 'root')) throw patchFailed('the patch removed the whole spec')
  return holder.root
}

function parseOperation(raw: unknown, index: number): Operation {
  const fail = (why: string) => patchFailed(`operation ${index}: ${why}`)
  if (!isJsonObject(raw)) throw fail('must be an object')
  const { op } = raw
  if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op)) {
    throw fail(`op must be one of ${OPS.join(', ')}`)
  }
  const path = pointer(raw, 'path', fail)
  const from = op === 'move' || op === 'copy' ? pointer(raw, 'from', fail) : undefined
  const needsValue = op === 'add' || op === 'replace' || op === 'test'
  if (needsValue && !hasOwn(raw, 'value')) throw fail(`${op} needs a value`)
  return { op: op as Op, path, from, value: raw.value }
}

function pointer(raw: JsonObject, field: 'path' | 'from', fail: (why: string) => Error): string[] {
  const value = raw[field]
  if (typeof value !== 'string') throw fail(`${field} must be a string`)
  const tokens = parseJsonPointer(value)
  if (tokens === undefined) throw fail(`${field} is not a valid JSON Pointer: ${value}`)
  return ['root', ...tokens]
}

function applyOperation(holder: JsonObject, { op, path, from, value }: Operation, budget: { copies: number }): void {
  switch (op) {
    case 'add':
      return add(holder, path, cloneJson(placeable(path, value)))
    case 'remove':
      return void remove(holder, path)
    case 'replace': {
      const { parent, key } = parentOf(holder, path)
      child(parent, key)
      if (Array.isArray(parent)) parent[Number(key)] = cloneJson(placeable(path, value))
      else setOwn(parent, key, cloneJson(placeable(path, value)))
      return
    }
    case 'move': {
      const source = from ?? []
      if (path.length > source.length && source.every((t, i) => t === path[i])) {
        throw new StepError('cannot move a value into itself')
      }
      placeable(path, read(holder, source))
      return add(holder, path, remove(holder, source))
    }
    case 'copy': {
      const source = read(holder, from ?? [])
      budget.copies -= jsonValueCount(source, budget.copies)
      if (budget.copies < 0) throw new StepError(`a patch may copy at most ${MAX_PATCH_COPIED_VALUES} values in all`)
      return add(holder, path, cloneJson(placeable(path, source)))
    }
    case 'test':
      if (!jsonEqual(read(holder, path), value)) throw new StepError('value differs')
  }
}

/** `value`, once sure that placing it at `path` keeps the spec within MAX_JSON_DEPTH levels (issue 16). */
function placeable(path: readonly string[], value: unknown): unknown {
  // `path` starts with the holder's `root`: the other tokens are the containers around the value.
  const around = path.length - 1
  if (around + jsonDepth(value, MAX_JSON_DEPTH - around) > MAX_JSON_DEPTH) {
    throw new StepError(`the spec would nest deeper than ${MAX_JSON_DEPTH} levels`)
  }
  return value
}

/** The container holding the last token of `path`. */
function parentOf(holder: JsonObject, path: string[]): { parent: Container; key: string } {
  let node: unknown = holder
  for (const token of path.slice(0, -1)) node = child(node, token)
  if (!Array.isArray(node) && !isJsonObject(node)) throw new StepError('parent is not an object or array')
  return { parent: node, key: path[path.length - 1] ?? '' }
}

function child(node: unknown, token: string): unknown {
  if (Array.isArray(node)) {
    const i = parseArrayIndex(token)
    if (i === undefined || i >= node.length) throw new StepError(`path does not exist (index ${token})`)
    return node[i]
  }
  if (isJsonObject(node) && hasOwn(node, token)) return node[token]
  throw new StepError(`path does not exist (member ${token})`)
}

function read(holder: JsonObject, path: string[]): unknown {
  const { parent, key } = parentOf(holder, path)
  return child(parent, key)
}

function add(holder: JsonObject, path: string[], value: unknown): void {
  const { parent, key } = parentOf(holder, path)
  if (!Array.isArray(parent)) return setOwn(parent, key, value)
  const i = key === '-' ? parent.length : parseArrayIndex(key)
  if (i === undefined || i > parent.length) throw new StepError(`index ${key} is out of bounds`)
  parent.splice(i, 0, value)
}

function remove(holder: JsonObject, path: string[]): unknown {
  const { parent, key } = parentOf(holder, path)
  const value = child(parent, key)
  if (Array.isArray(parent)) parent.splice(Number(key), 1)
  else delete parent[key]
  return value
}
