/**
 * The candidate closest to `name`, when one is close enough to be a likely typo: at most one edit for names of up
 * to four characters, two up to eight, three beyond (an edit is an insertion, deletion, substitution or swap of
 * neighbours; case differences count half). `undefined` when nothing is that close, or when two candidates tie.
 * Used for "did you mean" in TPL-4 messages (issue 17: `{{ hostnme }}` suggests `hostname`).
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const limit = name.length <= 4 ? 1 : name.length <= 8 ? 2 : 3
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  let tie = false
  for (const candidate of candidates) {
    if (candidate === name || Math.abs(candidate.length - name.length) > limit) continue
    const d = editDistance(name, candidate, limit)
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
      tie = false
    } else if (d === bestDistance && candidate !== best) {
      tie = true
    }
  }
  return best !== undefined && bestDistance <= limit && !tie ? best : undefined
}

// --- internal ---

/**
 * Optimal-string-alignment distance with half-cost case changes, giving up (returning `limit + 1`) once every
 * cell of a row exceeds `limit`, so a long unrelated candidate costs little.
 */
function editDistance(a: string, b: string, limit: number): number {
  const rows = a.length + 1
  const cols = b.length + 1
  let prevPrev: number[] = []
  let prev = Array.from({ length: cols }, (_, j) => j)
  for (let i = 1; i < rows; i++) {
    const row = [i]
    let rowMin = i
    for (let j = 1; j < cols; j++) {
      const ca = a[i - 1] as string
      const cb = b[j - 1] as string
      const substitution = ca === cb ? 0 : ca.toLowerCase() === cb.toLowerCase() ? 0.5 : 1
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + substitution)
      if (i > 1 && j > 1 && ca === b[j - 2] && a[i - 2] === cb) d = Math.min(d, (prevPrev[j - 2] as number) + 1)
      row.push(d)
      rowMin = Math.min(rowMin, d)
    }
    if (rowMin > limit) return limit + 1
    prevPrev = prev
    prev = row
  }
  return prev[cols - 1] as number
}
