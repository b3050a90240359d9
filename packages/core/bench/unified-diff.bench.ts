// Benchmark (not a test), issue 17: the render preview's unified diff on jsdiff, for a Group document of a few
// hundred lines (the usual preview), a document near `max_document_bytes` with one line changed, and the two
// worst cases where every line changed (jsdiff gives up at MAX_DIFF_EDIT_LINES and the whole document is shown
// replaced). Run from the repo root:
//   npx vitest bench --run packages/core/bench/unified-diff.bench.ts
import { bench, describe } from 'vitest'
import { unifiedDiff } from '../src/nocloud/unified-diff.js'

const LABELS = { from: 'stored', to: 'proposed' }
/** `lines` YAML-ish lines of about 30 characters; `salt` changes every line. */
const doc = (lines: number, salt = ''): string =>
  Array.from({ length: lines }, (_, i) => `  key_${i}: "value ${i}${salt}"\n`).join('')
/** `text` with every `every`-th line changed, starting at line 7. */
const edited = (text: string, every: number): string =>
  text
    .split('\n')
    .map((line, i) => (line !== '' && i % every === 7 ? `${line} # changed` : line))
    .join('\n')

const small = doc(300)
const smallEdited = edited(small, 100)
const smallRewritten = doc(300, 'x')
const large = doc(30_000)
const largeEdited = edited(large, 1_000_000)
const largeRewritten = doc(30_000, 'x')

describe('unifiedDiff', () => {
  bench('300 lines, 3 changed', () => void unifiedDiff(small, smallEdited, LABELS))
  bench('300 lines, every line changed (gives up: whole document)', () => void unifiedDiff(small, smallRewritten, LABELS))
  bench('30,000 lines (~1 MiB), 1 changed', () => void unifiedDiff(large, largeEdited, LABELS))
  bench('30,000 lines (~1 MiB), every line changed (gives up: whole document)', () => void unifiedDiff(large, largeRewritten, LABELS), {
    iterations: 5,
  })
})
