import type { GroupSpec } from '../domain/group.js'

/**
 * NC-10: one entry for every membership label, keys sorted. Each value is `{description, …metaData}` with keys
 * sorted; a metaData `description` wins over the Group's, an empty description is omitted, and a label with no
 * stored Group gets `{}`. `groupSpec` returns the NC-7 winner for a label.
 */
export function buildGroupsMap(
  labels: readonly string[],
  groupSpec: (label: string) => GroupSpec | undefined,
): Record<string, Record<string, unknown>> {
  const groups: Record<string, Record<string, unknown>> = {}
  for (const label of [...labels].sort(compareKeys)) {
    const spec = groupSpec(label)
    const merged = new Map<string, unknown>()
    if (spec?.description) merged.set('description', spec.description)
    // SPEC §16 TPL-3: values may be any JSON; nested values keep their own key order.
    for (const [key, value] of Object.entries(spec?.metaData ?? {})) merged.set(key, value)
    if (merged.get('description') === '') merged.delete('description')
    const value: Record<string, unknown> = {}
    for (const key of [...merged.keys()].sort(compareKeys)) setOwn(value, key, merged.get(key))
    setOwn(groups, label, value)
  }
  return groups
}

/**
 * Sets an own enumerable property even for names such as `__proto__`: labels and metaData keys come from SMD and
 * users, and a plain assignment of that name would change the prototype instead of adding a key.
 */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

// --- internal ---

/** Code-unit order, as Go's sort.Strings and PyYAML's sort_keys: locale-independent. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
