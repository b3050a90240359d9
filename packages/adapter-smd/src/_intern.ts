// Sharing of repeated strings and label lists in the snapshot (SMD-9, OPS-7): JSON.parse makes a new string per
// occurrence, and at 100k nodes the copies of `Node`, `HMN`, `Compute`, `compute`, … are a good part of the
// snapshot. Lookups are bounded, so a payload of unique values costs a lookup, not a second copy of itself.

/** Returns the shared copy of `text` (or `text` itself). */
export type Intern = (text: string) => string

/** One table of shared strings; each field of the wire records asks it through a {@link Interning.field}. */
export interface Interning {
  /**
   * An interner for one field. It first compares with the field's previous value: consecutive records mostly
   * repeat it (every interface is `Node`, networks alternate), and a compare is far cheaper than hashing a
   * fresh string for a map lookup, a cost that showed at ~1M calls per 100k-node sync.
   */
  field(): Intern
  /** The shared frozen copy of a list of labels; the previous list is reused when equal (racks share groups). */
  labels(): (list: readonly string[]) => readonly string[]
}

const EMPTY: readonly never[] = Object.freeze([])

/** A table of at most `maxEntries` strings of ≤64 characters and as many label lists. */
export function createInterning(maxEntries = 10_000): Interning {
  const strings = new Map<string, string>()
  const lists = new Map<string, readonly string[]>()
  const shared = (text: string): string => {
    const known = strings.get(text)
    if (known !== undefined) return known
    if (strings.size < maxEntries && text.length <= 64) strings.set(text, text)
    return text
  }
  return {
    field() {
      let last = ''
      return (text) => (text === last ? last : (last = shared(text)))
    },
    labels() {
      let last: readonly string[] = EMPTY
      return (list) => {
        if (list.length === 0) return EMPTY
        if (list.length === last.length && list.every((label, k) => label === last[k])) return last
        const key = list.join('\u0000')
        let known = lists.get(key)
        if (known === undefined) {
          known = Object.freeze(list.map(shared))
          if (lists.size < maxEntries) lists.set(key, known)
        }
        return (last = known)
      }
    },
  }
}
