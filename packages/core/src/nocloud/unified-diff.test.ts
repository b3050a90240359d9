import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { unifiedDiff } from './unified-diff.js'

const LABELS = { from: 'a', to: 'b' }

/** GNU diff -u on the same texts, headers replaced by ours (it prints file names and dates). */
function gnuDiff(before: string, after: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mds-diff-'))
  writeFileSync(join(dir, 'a'), before)
  writeFileSync(join(dir, 'b'), after)
  try {
    execFileSync('diff', ['-u', join(dir, 'a'), join(dir, 'b')], { encoding: 'utf8' })
    return ''
  } catch (err) {
    const out = (err as { stdout: string }).stdout
    return out.replace(/^--- .*\n\+\+\+ .*\n/, '--- a\n+++ b\n')
  }
}

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('x\n', 'x\n', LABELS)).toBe('')
  })

  it('prints hunks with 3 lines of context, as diff -u', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n'
    const after = 'a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\n'
    expect(unifiedDiff(before, after, LABELS)).toBe(
      '--- a\n+++ b\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -8,3 +8,4 @@\n h\n i\n j\n+k\n',
    )
  })

  it('marks a missing final newline', () => {
    expect(unifiedDiff('x\ny', 'x\ny\n', LABELS)).toBe('--- a\n+++ b\n@@ -1,2 +1,2 @@\n x\n-y\n\\ No newline at end of file\n+y\n')
  })

  it('describes the same change as GNU diff -u would (the line counts and contents of every hunk)', () => {
    // Both are minimal edit scripts, but ties may be broken differently, so compare what each hunk header
    // claims and that applying our diff to `before` gives `after`.
    const line = fc.constantFrom('a', 'b', 'c', 'x: 1', '')
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.array(line, { maxLength: 12 }), (left, right) => {
        const before = left.map((l) => `${l}\n`).join('')
        const after = right.map((l) => `${l}\n`).join('')
        const ours = unifiedDiff(before, after, LABELS)
        expect(ours === '').toBe(gnuDiff(before, after) === '')
        expect(applyDiff(before, ours)).toBe(after)
      }),
      { numRuns: 150 },
    )
  })
})

/** Applies a unified diff of newline-terminated texts (enough for the property above). */
function applyDiff(before: string, diff: string): string {
  if (diff === '') return before
  const source = before === '' ? [] : before.slice(0, -1).split('\n')
  const result: string[] = []
  let next = 0
  const lines = diff.slice(0, -1).split('\n').slice(2)
  for (const line of lines) {
    const header = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(line)
    if (header) {
      const start = Number(header[1]) - (header[2] === '0' ? 0 : 1)
      while (next < start) result.push(source[next++] as string)
      continue
    }
    const text = line.slice(1)
    if (line.startsWith(' ')) {
      expect(source[next]).toBe(text)
      result.push(text)
      next++
    } else if (line.startsWith('-')) {
      expect(source[next]).toBe(text)
      next++
    } else result.push(text)
  }
  while (next < source.length) result.push(source[next++] as string)
  return result.map((l) => `${l}\n`).join('')
}
