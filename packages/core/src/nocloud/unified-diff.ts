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
 * A line-based unified diff (`diff -u` format) from `before` to `after`, or `""` when they are equal. Lines are
 * compared exactly; a missing final newline is marked `\ No newline at end of file` as GNU diff does. Meant for
 * documents of a few hundred lines (the render preview): the longest common subsequence table is
 * `lines(before) × lines(after)`.
 */
export function unifiedDiff(before: string, after: string, labels: DiffLabels): string {
  if (before === after) return ''
  const a = splitLines(before)
  const b = splitLines(after)
  const ops = editScript(a.map((l) => l.text), b.map((l) => l.text))
  // Mark lines that differ only by the final newline as changed, so the marker shows up.
  for (const op of ops) {
    if (op.type === ' ' && a[op.ai]?.noEol !== b[op.bi]?.noEol) op.type = '!'
  }
  const expanded = ops.flatMap((op): Op[] =>
    op.type === '!' ? [{ type: '-', ai: op.ai, bi: op.bi }, { type: '+', ai: op.ai, bi: op.bi }] : [op],
  )
  const out = [`--- ${labels.from}`, `+++ ${labels.to}`]
  for (const hunk of hunks(expanded)) {
    const first = expanded[hunk.start] as Op
    const aStart = first.ai
    const bStart = first.bi
    const slice = expanded.slice(hunk.start, hunk.end)
    const aLen = slice.filter((op) => op.type !== '+').length
    const bLen = slice.filter((op) => op.type !== '-').length
    out.push(`@@ -${range(aStart, aLen)} +${range(bStart, bLen)} @@`)
    for (const op of slice) {
      const line = op.type === '+' ? (b[op.bi] as Line) : (a[op.ai] as Line)
      out.push(`${op.type}${line.text}`)
      if (line.noEol) out.push('\\ No newline at end of file')
    }
  }
  return `${out.join('\n')}\n`
}

// --- internal ---

interface Line {
  readonly text: string
  /** The document's last line, not ended by a newline. */
  readonly noEol: boolean
}

/** One step of the edit script; `ai`/`bi` are the 0-based positions in `a`/`b` at this step. */
interface Op {
  type: ' ' | '-' | '+' | '!'
  readonly ai: number
  readonly bi: number
}

function splitLines(text: string): Line[] {
  if (text === '') return []
  const parts = text.split('\n')
  const endsWithNewline = parts.at(-1) === ''
  if (endsWithNewline) parts.pop()
  return parts.map((part, i) => ({ text: part, noEol: !endsWithNewline && i === parts.length - 1 }))
}

/** Edit script from the longest common subsequence (deletions before insertions within a change). */
function editScript(a: readonly string[], b: readonly string[]): Op[] {
  const width = b.length + 1
  const lcs = new Uint32Array((a.length + 1) * width)
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j]
        ? (lcs[(i + 1) * width + j + 1] as number) + 1
        : Math.max(lcs[(i + 1) * width + j] as number, lcs[i * width + j + 1] as number)
    }
  }
  const ops: Op[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ type: ' ', ai: i++, bi: j++ })
    } else if (j >= b.length || (i < a.length && (lcs[(i + 1) * width + j] as number) >= (lcs[i * width + j + 1] as number))) {
      ops.push({ type: '-', ai: i++, bi: j })
    } else {
      ops.push({ type: '+', ai: i, bi: j++ })
    }
  }
  return ops
}

/** Ranges of `ops` to print: each change with up to CONTEXT lines around it, merging overlapping ones. */
function hunks(ops: readonly Op[]): { start: number; end: number }[] {
  const result: { start: number; end: number }[] = []
  ops.forEach((op, index) => {
    if (op.type === ' ') return
    const start = Math.max(0, index - CONTEXT)
    const end = Math.min(ops.length, index + CONTEXT + 1)
    const last = result.at(-1)
    if (last !== undefined && start <= last.end) last.end = Math.max(last.end, end)
    else result.push({ start, end })
  })
  return result
}

/** `start,len` with 1-based start; an empty side is `start-1,0` as in `diff -u`. */
function range(start: number, length: number): string {
  if (length === 0) return `${start},0`
  return length === 1 ? `${start + 1}` : `${start + 1},${length}`
}
