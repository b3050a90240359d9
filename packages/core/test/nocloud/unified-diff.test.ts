import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_DIFF_EDIT_LINES, unifiedDiff } from '../../src/nocloud/unified-diff.js'

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
  } finally {
    rmSync(dir, { recursive: true, force: true })
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

  it('keeps carriage returns as part of the line', () => {
    expect(unifiedDiff('a\r\nb\r\n', 'a\r\nc\r\n', LABELS)).toBe('--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+c\r\n')
  })

  it('diffs a 30,000-line document with one changed line as one small hunk (memory is not lines × lines, issue 17)', () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => `  key_${i}: "value ${i}"`)
    const before = `${lines.join('\n')}\n`
    lines[20_000] = '  key_20000: "changed"'
    const after = `${lines.join('\n')}\n`
    expect(before.length).toBeGreaterThan(750_000)
    const context = (from: number) => [from, from + 1, from + 2].map((i) => `   key_${i}: "value ${i}"\n`).join('')
    expect(unifiedDiff(before, after, LABELS)).toBe(
      `--- a\n+++ b\n@@ -19998,7 +19998,7 @@\n${context(19_997)}` +
        `-  key_20000: "value 20000"\n+  key_20000: "changed"\n${context(20_001)}`,
    )
  })

  it(`searches edits of up to ${MAX_DIFF_EDIT_LINES} lines; a larger one replaces the whole document`, () => {
    const doc = (n: number, line: (i: number) => string) => Array.from({ length: n }, (_, i) => `${line(i)}\n`).join('')
    const before = doc(400, (i) => `line ${i}`)
    // 150 lines changed: 300 lines removed or added, still diffed line by line (every other line is context).
    const within = doc(400, (i) => (i < 300 && i % 2 === 0 ? `LINE ${i}` : `line ${i}`))
    expect(unifiedDiff(before, within, LABELS).split('\n')[2]).toBe('@@ -1,302 +1,302 @@')
    expect(applyDiff(before, unifiedDiff(before, within, LABELS))).toBe(within)
    // 151 lines changed: past the bound, one hunk removes everything and adds everything.
    const beyond = doc(400, (i) => (i < 302 && i % 2 === 0 ? `LINE ${i}` : `line ${i}`))
    const whole = unifiedDiff(before, beyond, LABELS)
    expect(whole.split('\n').slice(0, 4)).toEqual(['--- a', '+++ b', '@@ -1,400 +1,400 @@', '-line 0'])
    expect(whole.split('\n')).toHaveLength(3 + 800 + 1)
    expect(applyDiff(before, whole)).toBe(beyond)
  })

  it('marks missing final newlines in a whole-document replacement too', () => {
    const before = Array.from({ length: 200 }, (_, i) => `a${i}`).join('\n')
    const after = Array.from({ length: 200 }, (_, i) => `b${i}`).join('\n')
    const lines = unifiedDiff(before, after, LABELS).split('\n')
    expect(lines[2]).toBe('@@ -1,200 +1,200 @@')
    expect(lines.slice(202, 205)).toEqual(['-a199', '\\ No newline at end of file', '+b0'])
    expect(lines.slice(-3)).toEqual(['+b199', '\\ No newline at end of file', ''])
    expect(unifiedDiff('', 'x\n'.repeat(400), LABELS).split('\n')[2]).toBe('@@ -0,0 +1,400 @@')
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
