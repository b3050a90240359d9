import { describe, expect, it } from 'vitest'
import { createFixedClock, createMemoryStore, createSequenceRandom } from '../../src/testing/index.js'
import { createResourceService } from '../../src/services/resource-service.js'
import { validateSpec } from '../../src/resources/validate-spec.js'
import type { KindName } from '../../src/domain/metadata.js'

// SPEC §16 "Strings that land in a document line", issue 16 item 6: `base_url "http://a/\nruncmd: [x]"` was
// accepted (the URL parser dropped the newline while checking) and emitted raw into vendor-data; the same with a
// tab in cloud_init_base_url. Every field that lands in a document line refuses control characters, naming the
// field, the rule and the character; URLs are judged on the exact stored string.

/** The VALIDATION_FAILED message `validateSpec` throws for `spec` (the test fails when it accepts it). */
function messageOf(kind: KindName, spec: unknown): string {
  const thrown: unknown = (() => {
    try {
      return void validateSpec(kind, spec)
    } catch (err) {
      return err
    }
  })()
  expect(thrown, JSON.stringify(spec)).toMatchObject({ name: 'MetadataError', code: 'VALIDATION_FAILED' })
  return (thrown as Error).message
}

const CD = { base_url: 'http://example.com', cluster_name: 'testcluster' }
const II = { instance_id: 'i-1' }

describe('control characters in document-line fields (SPEC §16)', () => {
  it('the reported URLs: a newline in base_url, a tab in cloud_init_base_url', () => {
    expect(messageOf('ClusterDefaults', { ...CD, base_url: 'http://a/\nruncmd: [x]' })).toBe(
      'validation failed: base_url must not contain control characters (U+000A)',
    )
    expect(messageOf('InstanceInfo', { ...II, cloud_init_base_url: 'http://a/\tb' })).toBe(
      'validation failed: cloud_init_base_url must not contain control characters (U+0009)',
    )
  })

  it('judges URLs on the exact stored string: nothing a URL parser would trim, drop or repair', () => {
    for (const url of [' http://a', 'http://a ', 'http://a/b c', 'http:\\\\evil\\x', 'http://exämple.com', 'http://a/%zz', 'http:/a', 'ftp://a', 'http://']) {
      expect(messageOf('ClusterDefaults', { ...CD, base_url: url }), url).toBe('validation failed: base_url must be an absolute http:// or https:// URL')
    }
    for (const url of ['http://a', 'https://m.example:8443/ci/', 'http://10.0.0.1/x?y=1&z=%20#f', 'http://[::1]:80/', 'HTTP://A.B']) {
      expect(validateSpec('ClusterDefaults', { ...CD, base_url: url }).base_url).toBe(url)
    }
  })

  it('every line field of ClusterDefaults and InstanceInfo, each public key, every control class', () => {
    const controls = ['\u0000', '\r', '\u001b', '\u007f', '\u0085', '\u009b', '\u2028', '\u2029', '\ufeff', '\uffff']
    for (const c of controls) {
      const label = `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`
      for (const field of ['cluster_name', 'short_name', 'cloud_provider', 'region', 'availability_zone']) {
        expect(messageOf('ClusterDefaults', { ...CD, [field]: `a${c}b` })).toBe(`validation failed: ${field} must not contain control characters (${label})`)
      }
      for (const field of ['instance_id', 'local_hostname', 'hostname']) {
        expect(messageOf('InstanceInfo', { ...II, [field]: `n0${c}` })).toBe(`validation failed: ${field} must not contain control characters (${label})`)
      }
      expect(messageOf('InstanceInfo', { ...II, public_keys: ['ssh-ed25519 AAAA ok', `ssh-ed25519 AAAA${c}x`] })).toBe(
        `validation failed: public_keys[1] must not contain control characters (${label})`,
      )
    }
  })

  it('metaData keys, quoted with their control characters escaped; values and descriptions stay free text', () => {
    expect(messageOf('Group', { metaData: { 'a\nb': 'x', ok: 'y', 'c\u2028': 'z' } })).toBe(
      'validation failed: metaData key "a\\nb" must not contain control characters (U+000A); ' +
        'metaData key "c\\u2028" must not contain control characters (U+2028)',
    )
    const free = validateSpec('Group', { description: 'line 1\nline 2', metaData: { script: '#!/bin/sh\n\techo hi\n' } })
    expect(free.metaData).toEqual({ script: '#!/bin/sh\n\techo hi\n' })
    expect(validateSpec('ClusterDefaults', { ...CD, description: 'a\tb' }).description).toBe('a\tb')
  })

  it('names of every kind, on create and replace; nothing is stored', async () => {
    const store = createMemoryStore()
    const service = createResourceService({ store, clock: createFixedClock(), random: createSequenceRandom() })
    await expect(service.create('InstanceInfo', { metadata: { name: 'n0\r\nx' }, spec: II })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'validation failed: metadata.name must not contain control characters (U+000D)',
    })
    await expect(service.create('Group', { metadata: { name: 'g\n' }, spec: {} })).rejects.toMatchObject({
      message: "validation failed: metadata.name of a Group may hold only letters, digits, '-', ':', '.' and '_'",
    })
    const { uid } = (await service.create('WireGuardPeer', {
      metadata: { name: 'p' },
      spec: { public_key: 'jDWl+QQSuqwmEJnGwC+kXh8Xu0aN8xV/eOEJmzUMRGk=', allowed_ip: '100.97.0.2/32' },
    })).metadata
    await expect(service.replace('WireGuardPeer', uid, { metadata: { name: 'p\u0085' }, spec: {} })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    })
    expect((await store.list('InstanceInfo')).length).toBe(0)
    expect((await store.get('WireGuardPeer', uid))?.metadata.name).toBe('p')
  })
})
