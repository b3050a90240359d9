import { describe, expect, it } from 'vitest'
import { isMetadataError } from '../../src/errors.js'
import { buildVendorData } from '../../src/nocloud/vendor-data.js'

const specs: Record<string, { template: string }> = {
  compute: { template: '#cloud-config\n' },
  green: { template: '## template: jinja\n' },
  'empty-group': { template: '' },
}

describe('buildVendorData (NC-13)', () => {
  it('lists memberships with a template, in SMD order', () => {
    expect(buildVendorData(['green', 'empty-group', 'missing', 'compute'], (l) => specs[l], 'http://localhost:8888')).toBe(
      '#include\nhttp://localhost:8888/green.yaml\nhttp://localhost:8888/compute.yaml\n',
    )
  })

  it('is exactly #include\\n with nothing to include, base URL or not', () => {
    expect(buildVendorData([], (l) => specs[l], undefined)).toBe('#include\n')
    expect(buildVendorData(['empty-group', 'missing'], (l) => specs[l], undefined)).toBe('#include\n')
  })

  it('fails when a line is needed but no base URL is known', () => {
    let caught: unknown
    try {
      buildVendorData(['compute'], (l) => specs[l], undefined)
    } catch (err) {
      caught = err
    }
    expect(isMetadataError(caught, 'INTERNAL')).toBe(true)
  })
})
