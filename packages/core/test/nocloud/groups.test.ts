import { describe, expect, it } from 'vitest'
import type { GroupSpec } from '../../src/domain/group.js'
import { buildGroupsMap } from '../../src/nocloud/groups.js'

const specs: Record<string, GroupSpec> = {
  compute: { description: 'Compute nodes', template: '', metaData: { scheduler: 'slurm' } },
  green: { description: 'Green nodes', template: '', metaData: { color: 'green' } },
  override: { description: 'ignored', template: '', metaData: { description: 'from metaData', a: '1' } },
  blank: { description: '', template: '', metaData: { description: '' } },
}

describe('buildGroupsMap (NC-10)', () => {
  it('merges description and metaData with sorted keys, one entry per label', () => {
    const groups = buildGroupsMap(['green', 'compute', 'missing', 'override', 'blank'], (l) => specs[l])
    expect(groups).toEqual({
      blank: {},
      compute: { description: 'Compute nodes', scheduler: 'slurm' },
      green: { color: 'green', description: 'Green nodes' },
      missing: {},
      override: { a: '1', description: 'from metaData' },
    })
    expect(Object.keys(groups)).toEqual(['blank', 'compute', 'green', 'missing', 'override'])
    expect(Object.keys(groups.green!)).toEqual(['color', 'description'])
  })

  it('keeps a __proto__ label or key as data', () => {
    const groups = buildGroupsMap(['__proto__'], () => ({ template: '', metaData: JSON.parse('{"__proto__":"x"}') }))
    expect(Object.keys(groups)).toEqual(['__proto__'])
    expect(Object.getPrototypeOf(groups)).toBe(Object.prototype)
    expect(Object.entries(groups.__proto__ as object)).toEqual([['__proto__', 'x']])
  })
})
