import { yamlString } from './_yaml-scalar.js'

const STEP = '  '

/**
 * OPS-7 fast path: block-style YAML for a plain-object document, byte for byte what the `yaml` package writes with
 * the NC-11 options (2-space indent, indented sequences, `{}`/`[]` for empty collections, no folding). Handles plain
 * objects, arrays, strings (see `yamlString`), booleans and safe integers; returns `undefined` for anything else
 * (null, undefined, fractions, shared objects that `yaml` would anchor, unusual strings) so the caller falls back.
 */
export function emitYamlDocument(value: unknown): string | undefined {
  if (!isPlainObject(value)) return undefined
  const text = node(value, '', new Set())
  return text === undefined ? undefined : `${text}\n`
}

// --- internal ---

/** `value` with its first line unindented and later lines at `indent`; `undefined` when unsupported. */
function node(value: unknown, indent: string, seen: Set<object>): string | undefined {
  if (typeof value === 'string') return yamlString(value, false)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : undefined
  if (typeof value !== 'object' || value === null || seen.has(value)) return undefined
  seen.add(value) // `yaml` writes a repeated object as an anchor and aliases
  if (Array.isArray(value)) return sequence(value, indent, seen)
  return isPlainObject(value) ? mapping(value, indent, seen) : undefined
}

function mapping(map: Record<string, unknown>, indent: string, seen: Set<object>): string | undefined {
  const keys = Object.keys(map)
  if (keys.length === 0) return '{}'
  let out = ''
  for (const key of keys) {
    const k = yamlString(key, true)
    const v = map[key]
    if (k === undefined) return undefined
    const inner = indent + STEP
    const text = node(v, inner, seen)
    if (text === undefined) return undefined
    const block = isNonEmptyCollection(v)
    out += `${out === '' ? '' : `\n${indent}`}${k}:${block ? `\n${inner}` : ' '}${text}`
  }
  return out
}

function sequence(items: unknown[], indent: string, seen: Set<object>): string | undefined {
  if (items.length === 0) return '[]'
  let out = ''
  for (let i = 0; i < items.length; i++) {
    if (!(i in items)) return undefined
    const text = node(items[i], indent + STEP, seen)
    if (text === undefined) return undefined
    out += `${i === 0 ? '' : `\n${indent}`}- ${text}`
  }
  return out
}

function isNonEmptyCollection(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0
  return typeof value === 'object' && value !== null && Object.keys(value).length > 0
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
