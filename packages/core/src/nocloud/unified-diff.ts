// The edit script comes from jsdiff (`diff`, Myers' O(ND) algorithm), not a hand-written one (issue 17): the
// longest-common-subsequence table this file used to build costs lines(before) × lines(after) in time and memory,
// measured at 14 ms for a 300-line document and 111 s and 3.7 GB of RSS for a 30,000-line one (750 KB, one line
// changed), where jsdiff takes 0.2 ms and about 80 ms. What stays here is the `diff -u` text around jsdiff's hunks
// (GNU's `@@ -5 +5 @@` for one-line ranges, where jsdiff writes `-5,1`) and the bound on the edit it searches for.
import { structuredPatch } from 'diff'

/** Labels of the two sides of a {@link unifiedDiff}. */
export interface DiffLabels {
  /** The `---` header, e.g. `compute.yaml (stored template)`. */
  readonly from: string
  /** The `+++` header. */
  readonly to: string
}

/** Lines of context around each change, as `diff -u` uses. */
const CONTEXT = 3

/**
 * The longest edit (lines removed plus lines added) searched for line by line; a larger one is shown as the whole
 * document replaced. jsdiff's search grows with lines × edit length: unbounded, two 3,000-line documents that differ
 * in every line took 4.4 s; at this bound a 30,000-line one takes about 100 ms in all, mostly splitting and printing
 * its lines (`bench/unified-diff.bench.ts`). A diff that rewrites more than 300 lines reads as "everything changed".
 */
export const MAX_DIFF_EDIT_LINES = 300

/**
 * A line-based unified diff (`diff -u` format) from `before` to `after`, or `""` when they are equal. Lines are
 * compared exactly; a missing final newline is marked `\ No newline at end of file` as GNU diff does. When more
 * than {@link MAX_DIFF_EDIT_LINES} lines would change, the diff is one hunk that removes every line of `before` and
 * adds every line of `after` (still a diff that applies).
 */
export function unifiedDiff(before: string, after: string, labels: DiffLabels): string {
  if (before === after) return ''
  const patch = structuredPatch(labels.from, labels.to, before, after, undefined, undefined, {
    context: CONTEXT,
    maxEditLength: MAX_DIFF_EDIT_LINES,
  })
  const out = [`--- ${labels.from}`, `+++ ${labels.to}`]
  for (const hunk of patch?.hunks ?? [wholeReplacement(before, after)]) {
    out.push(`@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`, ...hunk.lines)
  }
  return `${out.join('\n')}\n`
}

// --- internal ---

/** A hunk as jsdiff gives it: 1-based starts, line counts, and the lines with their ` `/`-`/`+` marks. */
interface Hunk {
  readonly oldStart: number
  readonly oldLines: number
  readonly newStart: number
  readonly newLines: number
  readonly lines: readonly string[]
}

/** One hunk that removes all of `before` and adds all of `after`. */
function wholeReplacement(before: string, after: string): Hunk {
  const removed = marked(before, '-')
  const added = marked(after, '+')
  return { oldStart: 1, oldLines: removed.count, newStart: 1, newLines: added.count, lines: [...removed.lines, ...added.lines] }
}

/** The lines of `text` behind `mark`, with the no-newline marker after a last line that has no newline. */
function marked(text: string, mark: '-' | '+'): { count: number; lines: string[] } {
  if (text === '') return { count: 0, lines: [] }
  const parts = text.split('\n')
  const endsWithNewline = parts.at(-1) === ''
  if (endsWithNewline) parts.pop()
  const lines = parts.map((part) => `${mark}${part}`)
  if (!endsWithNewline) lines.push('\\ No newline at end of file')
  return { count: parts.length, lines }
}

/** `start,len` with 1-based start; one line is just `start`, an empty side is `start-1,0`, as in `diff -u`. */
function range(start: number, length: number): string {
  if (length === 0) return `${start - 1},0`
  return length === 1 ? `${start}` : `${start},${length}`
}
