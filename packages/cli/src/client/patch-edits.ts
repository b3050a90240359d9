import { isDeepStrictEqual } from 'node:util'
import { CliError, UsageError } from '../errors.js'

/** The `patch` shorthand flags, each as given (`key=value`, or `key` for `--unset`), in order per flag. */
export interface PatchEdits {
  readonly set: readonly string[]
  readonly unset: readonly string[]
  readonly add: readonly string[]
  readonly remove: readonly string[]
}

/** One RFC 6902 operation, its path relative to the spec (RES-6). */
export type PatchOperation =
  | { readonly op: 'add'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'test'; readonly path: string; readonly value: unknown }

/**
 * Turns `--set`/`--unset`/`--add`/`--remove` into one JSON Patch against `spec`, the resource's spec as just read,
 * so lists can grow and shrink (the Go client's `--add field.-=value`; its `--remove` only said to use
 * `--json-patch`). Keys are dotted paths; values are JSON when valid, else strings (CLI-3).
 * - `--set a.b=v`: creates missing parent objects, then sets; `--unset a.b`: removes when present.
 * - `--add list=v` (or `list.-=v`): appends, creating the list when absent.
 * - `--remove list=v`: removes every element equal to v, each guarded by a `test` op, so an element that moved
 *   since the read makes the server answer 422 instead of removing another one.
 *
 * Edits apply in the order set, unset, add, remove. Throws a UsageError for a malformed flag and a CliError
 * (exit 1) for an edit the spec cannot take (adding to a string, removing what is not there); nothing is sent then.
 */
export function editsToJsonPatch(spec: unknown, edits: PatchEdits): PatchOperation[] {
  const doc = { root: structuredClone(isObject(spec) ? spec : {}) as unknown }
  const ops: PatchOperation[] = []
  const apply = (op: PatchOperation) => {
    ops.push(op)
    applyLocally(doc, op)
  }
  for (const pair of edits.set) {
    const { key, value } = splitPair('set', pair)
    ensureParents(doc.root, key, apply)
    apply({ op: 'add', path: pointer(key), value })
  }
  for (const raw of edits.unset) {
    if (lookup(doc.root, raw.split('.')) !== undefined) apply({ op: 'remove', path: pointer(raw.split('.')) })
  }
  for (const pair of edits.add) {
    const { key, value } = splitPair('add', pair.replace(/\.-=/, '='))
    const current = lookup(doc.root, key)
    if (current === undefined) {
      ensureParents(doc.root, key, apply)
      apply({ op: 'add', path: pointer(key), value: [value] })
    } else if (Array.isArray(current)) {
      apply({ op: 'add', path: `${pointer(key)}/-`, value })
    } else {
      throw new CliError(`cannot --add to ${key.join('.')}: it is ${describe(current)}, not a list`)
    }
  }
  for (const pair of edits.remove) {
    const { key, value, text } = splitPair('remove', pair)
    const current = lookup(doc.root, key)
    if (!Array.isArray(current)) {
      throw new CliError(`cannot --remove from ${key.join('.')}: it is ${current === undefined ? 'not set' : `${describe(current)}, not a list`}`)
    }
    const matches = current.flatMap((element, index) => (isDeepStrictEqual(element, value) || element === text ? [index] : []))
    if (matches.length === 0) throw new CliError(`cannot --remove from ${key.join('.')}: it has no element ${JSON.stringify(text)}`)
    for (const index of matches.reverse()) {
      apply({ op: 'test', path: `${pointer(key)}/${index}`, value: current[index] })
      apply({ op: 'remove', path: `${pointer(key)}/${index}` })
    }
  }
  return ops
}

/** A `--set` value: JSON when it parses, else the text (CLI-3). */
export function jsonOrString(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

// --- internal ---

function splitPair(flag: string, pair: string): { key: string[]; value: unknown; text: string } {
  const eq = pair.indexOf('=')
  if (eq <= 0) throw new UsageError(`invalid --${flag} ${JSON.stringify(pair)}: expected key=value`)
  const text = pair.slice(eq + 1)
  return { key: pair.slice(0, eq).split('.'), value: jsonOrString(text), text }
}

function pointer(key: readonly string[]): string {
  return key.map((part) => `/${part.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('')
}

function lookup(root: unknown, key: readonly string[]): unknown {
  let node = root
  for (const part of key) {
    if (Array.isArray(node) && /^\d+$/.test(part)) node = node[Number(part)]
    else if (isObject(node) && Object.hasOwn(node, part)) node = node[part]
    else return undefined
  }
  return node
}

function ensureParents(root: unknown, key: readonly string[], apply: (op: PatchOperation) => void): void {
  for (let depth = 1; depth < key.length; depth++) {
    const parent = key.slice(0, depth)
    const node = lookup(root, parent)
    if (node === undefined) apply({ op: 'add', path: pointer(parent), value: {} })
    else if (!isObject(node) && !Array.isArray(node)) {
      throw new CliError(`cannot set ${key.join('.')}: ${parent.join('.')} is ${describe(node)}, not an object`)
    }
  }
}

/** Applies one of the operations built above to the local copy, so later edits see earlier ones. */
function applyLocally(doc: { root: unknown }, op: PatchOperation): void {
  if (op.op === 'test') return
  const parts = op.path.slice(1).split('/').map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
  const last = parts.pop() as string
  const parent = lookup(doc.root, parts)
  if (Array.isArray(parent)) {
    if (op.op === 'remove') parent.splice(Number(last), 1)
    else if (last === '-') parent.push(op.value)
    else parent.splice(Number(last), 0, op.value)
  } else if (isObject(parent)) {
    if (op.op === 'remove') delete parent[last]
    else parent[last] = op.value
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describe(value: unknown): string {
  if (isObject(value)) return 'an object'
  return typeof value === 'string' ? 'a string' : typeof value === 'number' ? 'a number' : `${JSON.stringify(value)}`
}
