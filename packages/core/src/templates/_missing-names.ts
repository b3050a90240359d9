import { closestName } from './_suggest.js'

/** A name a template uses that resolves nowhere (TPL-4 step 3), with the root names visible where it is used. */
export interface MissingName {
  /** As written: `hostnme`, `meta_data.instance_id`. */
  readonly name: string
  /** Names a first segment could have been: the template's own variables there, then the context's keys. */
  readonly roots: readonly string[]
}

/**
 * TPL-4 step 3: `missing required variables: [a, b]` (sorted, unique), followed by `(did you mean hostname?)` —
 * or `(did you mean hostname for hostnme, role for rol?)` — when a name is one or two typos away from one that
 * exists (issue 17). Suggestions follow the path through `context` as far as it resolves.
 */
export function missingNamesMessage(missing: readonly MissingName[], context: Readonly<Record<string, unknown>>): string {
  const names = [...new Set(missing.map((m) => m.name))].sort(byCodeUnit)
  const hints: [string, string][] = []
  for (const name of names) {
    const entry = missing.find((m) => m.name === name) as MissingName
    const better = suggestion(entry, context)
    if (better !== undefined) hints.push([name, better])
  }
  const list = `missing required variables: [${names.join(', ')}]`
  if (hints.length === 0) return list
  if (hints.length === 1 && names.length === 1) return `${list} (did you mean ${(hints[0] as [string, string])[1]}?)`
  return `${list} (did you mean ${hints.map(([name, better]) => `${better} for ${name}`).join(', ')}?)`
}

// --- internal ---

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

function suggestion(missing: MissingName, context: Readonly<Record<string, unknown>>): string | undefined {
  const [root = '', ...rest] = missing.name.split('.')
  if (!missing.roots.includes(root)) {
    const better = closestName(root, missing.roots)
    return better === undefined ? undefined : [better, ...rest].join('.')
  }
  let value: unknown = Object.hasOwn(context, root) ? context[root] : undefined
  for (let i = 0; i < rest.length; i++) {
    const segment = rest[i] as string
    if (!isPlainObject(value)) return undefined
    if (Object.hasOwn(value, segment)) {
      value = value[segment]
      continue
    }
    const better = closestName(segment, Object.keys(value))
    return better === undefined ? undefined : [root, ...rest.slice(0, i), better, ...rest.slice(i + 1)].join('.')
  }
  return undefined
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
