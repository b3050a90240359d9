import { describe, expect, it } from 'vitest'
import { defaultHostname } from '../../src/nocloud/hostname.js'

const cd = (extra: { short_name?: string; nid_length?: number; cluster_name?: string }) => ({
  base_url: 'http://x',
  cluster_name: 'testcluster',
  ...extra,
})

describe('defaultHostname (NC-6)', () => {
  it.each([
    ['tc/4/1000', cd({ short_name: 'tc', nid_length: 4 }), 1000, 'tc1000'],
    ['testcluster, no short name, NID 1', cd({}), 1, 'te0001'],
    ['hp/6/7', cd({ short_name: 'hp', nid_length: 6 }), 7, 'hp000007'],
    ['tc/4/12345 is not truncated', cd({ short_name: 'tc', nid_length: 4 }), 12345, 'tc12345'],
    ['nid_length 0 means 4', cd({ short_name: 'tc', nid_length: 0 }), 7, 'tc0007'],
    ['empty short name falls back to cluster_name', cd({ short_name: '', cluster_name: 'x' }), 3, 'x0003'],
  ])('%s', (_case, defaults, nid, expected) => {
    expect(defaultHostname(nid, defaults)).toBe(expected)
  })

  it('has no prefix but keeps the width of 4 without ClusterDefaults', () => {
    expect(defaultHostname(1000, undefined)).toBe('1000')
    expect(defaultHostname(1, undefined)).toBe('0001')
  })
})
