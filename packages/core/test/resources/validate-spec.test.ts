import { describe, expect, it } from 'vitest'
import { KINDS } from '../../src/domain/kinds.js'
import { KIND_NAMES, type KindName } from '../../src/domain/metadata.js'
import { objectFields } from '../../src/resources/schema-shape.js'
import { validateSpec } from '../../src/resources/validate-spec.js'
import { validateStatus } from '../../src/resources/validate-status.js'

/** The message `validateSpec` rejects with (fails the test when it does not throw). */
function messageOf(kind: KindName, spec: unknown): string {
  try {
    validateSpec(kind, spec)
  } catch (err) {
    expect(err).toMatchObject({ name: 'MetadataError', code: 'VALIDATION_FAILED' })
    return (err as Error).message
  }
  throw new Error('expected a validation failure')
}

const CD = { base_url: 'http://example.com', cluster_name: 'testcluster' }

describe('validateSpec (RES-9)', () => {
  it('gives the RES-9 example for {} on ClusterDefaults (AT-42)', () => {
    expect(messageOf('ClusterDefaults', {})).toBe('validation failed: base_url is required; cluster_name is required')
  })

  it('answers the AT-42 cases with the exact texts', () => {
    expect(messageOf('ClusterDefaults', { ...CD, nid_length: 11 })).toBe(
      'validation failed: nid_length must be at most 10',
    )
    expect(messageOf('ClusterDefaults', { ...CD, nid_length: -1 })).toBe(
      'validation failed: nid_length must be at least 0',
    )
    expect(messageOf('ClusterDefaults', { ...CD, foo: 1 })).toBe('validation failed: unknown fields in spec: [foo]')
    expect(messageOf('ClusterDefaults', { ...CD, description: 'x'.repeat(201) })).toBe(
      'validation failed: description must be at most 200 characters',
    )
    expect(validateSpec('ClusterDefaults', { ...CD, description: 'x'.repeat(200) }).description).toHaveLength(200)
  })

  it('orders type errors, then unknown fields (sorted), then rules in schema order', () => {
    const spec = { zeta: 1, alpha: true, nid_length: 1.5, region: 3, base_url: '', description: 'x'.repeat(201) }
    expect(messageOf('ClusterDefaults', spec)).toBe(
      'validation failed: region must be a string; nid_length must be an integer; ' +
        'unknown fields in spec: [alpha, zeta]; description must be at most 200 characters; base_url is required; ' +
        'cluster_name is required',
    )
  })

  it('names every type rule', () => {
    expect(messageOf('ClusterDefaults', { ...CD, public_keys: ['a', 2] })).toBe(
      'validation failed: public_keys must be an array of strings',
    )
    expect(messageOf('ClusterDefaults', { ...CD, public_keys: 'a' })).toBe(
      'validation failed: public_keys must be an array of strings',
    )
    // SPEC §16 TPL-3: metaData values may be any JSON; the map itself must be an object.
    expect(validateSpec('Group', { metaData: { a: 1, b: [true, null], c: { d: 1.5 } } }).metaData).toEqual({ a: 1, b: [true, null], c: { d: 1.5 } })
    expect(messageOf('Group', { metaData: ['a'] })).toBe('validation failed: metaData must be an object')
    expect(messageOf('Group', { metaData: 'a' })).toBe('validation failed: metaData must be an object')
    expect(messageOf('Group', { template: null })).toBe('validation failed: template must be a string')
    expect(messageOf('Group', [])).toBe('validation failed: spec must be an object')
    expect(messageOf('Group', 'x')).toBe('validation failed: spec must be an object')
  })

  it('does not repeat a rule for a field that already has a type error', () => {
    expect(messageOf('ClusterDefaults', { base_url: 5, cluster_name: 'c' })).toBe(
      'validation failed: base_url must be a string',
    )
  })

  it('checks URLs: base_url always, cloud_init_base_url only when set', () => {
    expect(messageOf('ClusterDefaults', { ...CD, base_url: 'example.com' })).toBe(
      'validation failed: base_url must be an absolute http:// or https:// URL',
    )
    expect(messageOf('ClusterDefaults', { ...CD, base_url: 'ftp://example.com' })).toBe(
      'validation failed: base_url must be an absolute http:// or https:// URL',
    )
    expect(validateSpec('ClusterDefaults', { ...CD, base_url: 'https://m.example/ci/' }).base_url).toBe(
      'https://m.example/ci/',
    )
    expect(messageOf('InstanceInfo', { instance_id: 'i-1', cloud_init_base_url: '/relative' })).toBe(
      'validation failed: cloud_init_base_url must be an absolute http:// or https:// URL',
    )
    expect(validateSpec('InstanceInfo', { instance_id: 'i-1', cloud_init_base_url: '' })).toEqual({
      instance_id: 'i-1',
      cloud_init_base_url: '',
    })
    expect(messageOf('InstanceInfo', { instance_id: '', description: 'x'.repeat(201) })).toBe(
      'validation failed: description must be at most 200 characters; instance_id is required',
    )
  })

  it('requires the WireGuardPeer fields and defaults the Group template to ""', () => {
    expect(messageOf('WireGuardPeer', {})).toBe('validation failed: public_key is required; allowed_ip is required')
    expect(validateSpec('Group', { description: 'd' })).toEqual({ description: 'd', template: '' })
  })

  it('keeps every valid field of every kind', () => {
    const full = {
      ...CD,
      description: 'd',
      cloud_provider: 'p',
      region: 'r',
      availability_zone: 'z',
      short_name: 'tc',
      nid_length: 0,
      public_keys: ['k'],
    }
    expect(validateSpec('ClusterDefaults', full)).toEqual(full)
  })

  it('reads every field of every domain schema (no construct left unsupported)', () => {
    for (const kind of KIND_NAMES) {
      expect(objectFields(KINDS[kind].specSchema).length).toBeGreaterThan(0)
      expect(objectFields(KINDS[kind].statusSchema).length).toBeGreaterThan(0)
    }
    expect(objectFields(KINDS.ClusterDefaults.specSchema).map((f) => f.name)).toEqual([
      'description',
      'base_url',
      'cloud_provider',
      'region',
      'availability_zone',
      'cluster_name',
      'short_name',
      'nid_length',
      'public_keys',
      'networks',
    ])
  })
})

describe('validateStatus (RES-7)', () => {
  const statusMessage = (kind: KindName, status: unknown) => {
    try {
      validateStatus(kind, status)
    } catch (err) {
      expect(err).toMatchObject({ code: 'VALIDATION_FAILED' })
      return (err as Error).message
    }
    throw new Error('expected a validation failure')
  }

  it('defaults ready and valid to false', () => {
    expect(validateStatus('ClusterDefaults', { phase: 'x' })).toEqual({ phase: 'x', ready: false })
    expect(validateStatus('Group', {})).toEqual({ valid: false })
  })

  it('rejects wrong types and unknown fields', () => {
    expect(statusMessage('InstanceInfo', { ready: 'yes', bogus: 1, alsoBogus: 2 })).toBe(
      'validation failed: ready must be a boolean; unknown fields in status: [alsoBogus, bogus]',
    )
    expect(statusMessage('WireGuardPeer', { phase: 'Sleeping' })).toBe(
      'validation failed: phase must be one of: Ready, Degraded, Error',
    )
    expect(statusMessage('Group', 'x')).toBe('validation failed: status must be an object')
  })

  it('checks nested template history entries', () => {
    expect(
      statusMessage('Group', { templateHistory: [{ version: 'v-1', timestamp: 't', valid: 'no', extra: 1 }, {}] }),
    ).toBe(
      'validation failed: templateHistory[0].valid must be a boolean; templateHistory[1].version is required; ' +
        'templateHistory[1].timestamp is required; templateHistory[1].valid is required; ' +
        'unknown fields in status: [templateHistory[0].extra]',
    )
    expect(statusMessage('Group', { templateHistory: {} })).toBe('validation failed: templateHistory must be an array')
  })
})
