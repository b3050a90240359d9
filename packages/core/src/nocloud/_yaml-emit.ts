import { MAX_IMPLICIT_KEY, yamlString } from './_yaml-scalar.js'

const STEP = '  '

/**
 * Block-style YAML for a JSON-like value (NC-11, OPS-7, issue 16): 2-space indent, indented sequences, `{}`/`[]`
 * for empty collections, no folding, keys in insertion order, every string as {@link yamlString} writes it, so
 * that PyYAML (cloud-init) and the `yaml` package read back exactly the value given. For the usual documents, byte
 * for byte what the `yaml` package writes with the NC-11 options. Numbers: as JSON writes them, with a `.` in
 * every exponent form (YAML 1.1 floats need one), `.inf`/`.nan`; `null` and `undefined` array items as `null`; object members
 * whose value is `undefined` are left out (as JSON.stringify does); an object met twice is written twice (no
 * anchors). Throws `TypeError` for what JSON cannot hold (functions, symbols, class instances) and for cycles.
 */
export function emitYamlDocument(value: unknown): string {
  return `${node(value, '', new Set())}\n`
}

// --- internal ---

/** `value` with its first line unindented and later lines at `indent`. */
function node(value: unknown, indent: string, path: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return yamlString(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      return yamlNumber(value)
    case 'bigint':
      return value.toString()
    case 'undefined':
      return 'null'
    case 'object':
      if (value === null) return 'null'
      if (path.has(value)) throw new TypeError('cannot write a cyclic value as YAML')
      path.add(value)
      try {
        if (Array.isArray(value)) return sequence(value, indent, path)
        if (isPlainObject(value)) return mapping(value, indent, path)
        throw new TypeError(`cannot write a ${value.constructor?.name ?? 'non-plain'} object as YAML`)
      } finally {
        path.delete(value)
      }
    default:
      throw new TypeError(`cannot write a ${typeof value} as YAML`)
  }
}

function mapping(map: Record<string, unknown>, indent: string, path: Set<object>): string {
  const inner = indent + STEP
  let out = ''
  for (const key of Object.keys(map)) {
    const value = map[key]
    if (value === undefined) continue
    const text = node(value, inner, path)
    const k = yamlString(key)
    const separator = out === '' ? '' : `\n${indent}`
    // PyYAML refuses implicit keys over 1,024 characters: such a key becomes an explicit `? key` entry.
    const head = k.length > MAX_IMPLICIT_KEY ? `? ${k}\n${indent}:` : `${k}:`
    out += `${separator}${head}${isBlock(value, text) ? `\n${inner}` : ' '}${text}`
  }
  return out === '' ? '{}' : out
}

function sequence(items: readonly unknown[], indent: string, path: Set<object>): string {
  if (items.length === 0) return '[]'
  let out = ''
  for (let i = 0; i < items.length; i++) {
    out += `${i === 0 ? '' : `\n${indent}`}- ${node(items[i], indent + STEP, path)}`
  }
  return out
}

/** A non-empty collection goes on the lines below its key; an empty one stays on the key's line as `{}`/`[]`. */
function isBlock(value: unknown, text: string): boolean {
  return typeof value === 'object' && value !== null && text !== '{}' && text !== '[]'
}

/** A number that PyYAML's YAML 1.1 resolvers read back as the number JSON would give. */
function yamlNumber(value: number): string {
  if (Number.isNaN(value)) return '.nan'
  if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf'
  if (Object.is(value, -0)) return '-0.0'
  // JavaScript's shortest text, as JSON has it: digits below 1e21, else an exponent. `5e-7` and `1e+21` are strings
  // to YAML 1.1, whose floats need a `.`: `5.0e-7`, `1.0e+21`.
  const text = String(value)
  return text.includes('e') && !text.includes('.') ? text.replace('e', '.0e') : text
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
