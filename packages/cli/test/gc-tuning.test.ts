import { describe, expect, it } from 'vitest'
import { tuneGarbageCollector } from '../src/gc-tuning.js'

function tuned(execArgv: string[]): string[] {
  const set: string[] = []
  tuneGarbageCollector(execArgv, (flags) => set.push(flags))
  return set
}

describe('tuneGarbageCollector (issue 19: storm garbage dies young)', () => {
  it('turns allocation-site pretenuring off by default, whatever else the command line holds', () => {
    expect(tuned([])).toEqual(['--no-allocation-site-pretenuring'])
    expect(tuned(['--max-semi-space-size=32', '--enable-source-maps'])).toEqual(['--no-allocation-site-pretenuring'])
  })

  it("leaves the operator's own setting alone, in either spelling and either sense", () => {
    for (const flag of ['--allocation-site-pretenuring', '--allocation_site_pretenuring', '--no-allocation-site-pretenuring', '--no-allocation_site_pretenuring']) {
      expect(tuned(['--enable-source-maps', flag]), flag).toEqual([])
    }
  })

  it('does not mistake a longer flag for it', () => {
    expect(tuned(['--allocation-site-pretenuring-extra'])).toEqual(['--no-allocation-site-pretenuring'])
  })

  it('sets the real V8 flag without complaint', () => {
    expect(tuneGarbageCollector([])).toBe(true)
  })
})
