import { readFileSync } from 'node:fs'
import { MAX_JSON_DEPTH, TOO_DEEP_MESSAGE } from '@metadata-service/core'
import { describe, expect, it } from 'vitest'

// The limits and messages issue 16 left to us are written down where operators read them (docs/spec-addendum.md);
// this keeps that page true when a constant changes.

const addendum = readFileSync(new URL('../../../docs/spec-addendum.md', import.meta.url), 'utf8')
const section = addendum.slice(addendum.indexOf('## Input limits and document safety'))

describe('docs/spec-addendum.md: Input limits and document safety', () => {
  it('names the limits and messages the code uses', () => {
    expect(addendum).toContain('## Input limits and document safety')
    for (const text of [
      `at most **${MAX_JSON_DEPTH}** levels`,
      TOO_DEEP_MESSAGE,
      'invalid request: JSON nested deeper than 64 levels',
      '**65,536** values',
      'invalid path: bad percent-encoding',
      'must not contain\n  control characters (U+000A)',
      '<field> must be an absolute http:// or https:// URL',
      'FUZZ_SEED',
    ]) {
      expect(section, text).toContain(text)
    }
  })
})
