import { describe, expect, it } from 'vitest'
import { resolveBaseUrl } from '../../src/nocloud/base-url.js'

const cd = { base_url: 'http://t.local/', cluster_name: 'c' }

describe('resolveBaseUrl (NC-14)', () => {
  it('takes the first non-empty source in order, trimming trailing slashes', () => {
    const request = { host: 'localhost:8888', proto: 'https' }
    expect(resolveBaseUrl({ instanceInfo: { instance_id: 'i', cloud_init_base_url: 'http://ii//' }, clusterDefaults: cd, publicUrl: 'http://p', request })).toBe('http://ii')
    expect(resolveBaseUrl({ instanceInfo: { instance_id: 'i', cloud_init_base_url: '' }, clusterDefaults: cd, request })).toBe('http://t.local')
    expect(resolveBaseUrl({ clusterDefaults: { ...cd, base_url: '' }, publicUrl: 'https://m.example/ci/', request })).toBe('https://m.example/ci')
    expect(resolveBaseUrl({ publicUrl: '', request })).toBe('https://localhost:8888')
  })

  it('defaults the proto to http and has no base without a host', () => {
    expect(resolveBaseUrl({ request: { host: 'localhost:8888' } })).toBe('http://localhost:8888')
    expect(resolveBaseUrl({ request: { proto: 'https' } })).toBeUndefined()
    expect(resolveBaseUrl({})).toBeUndefined()
  })

  it('skips a stored source holding a control character, so it never becomes a vendor-data line (SPEC §16)', () => {
    const injected = { instance_id: 'i', cloud_init_base_url: 'http://a/\nruncmd: [x]' }
    expect(resolveBaseUrl({ instanceInfo: injected, clusterDefaults: cd })).toBe('http://t.local')
    expect(resolveBaseUrl({ clusterDefaults: { ...cd, base_url: 'http://a/\tb' }, publicUrl: 'http://p' })).toBe('http://p')
    expect(resolveBaseUrl({ clusterDefaults: { ...cd, base_url: 'http://a/\u2028b' } })).toBeUndefined()
  })
})
