import { describe, expect, it } from 'vitest'
import { parseIfMatch } from '../../src/resources/if-match.js'

describe('parseIfMatch (RES-5)', () => {
  it('accepts quoted, weak, bare and listed versions', () => {
    expect(parseIfMatch('"7"')).toEqual(['7'])
    expect(parseIfMatch('W/"7"')).toEqual(['7'])
    expect(parseIfMatch('7')).toEqual(['7'])
    expect(parseIfMatch(' "1", "2" ')).toEqual(['1', '2'])
  })

  it('means "any version" when absent, blank or *', () => {
    expect(parseIfMatch(undefined)).toBeUndefined()
    expect(parseIfMatch('  ')).toBeUndefined()
    expect(parseIfMatch('*')).toBeUndefined()
    expect(parseIfMatch('"1", *')).toBeUndefined()
    expect(parseIfMatch('""')).toBeUndefined()
  })
})
