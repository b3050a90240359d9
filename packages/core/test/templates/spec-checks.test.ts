import { describe, expect, it } from 'vitest'
import type { GroupSpec } from '../../src/domain/group.js'
import { MetadataError } from '../../src/errors.js'
import { checkGroupSpec } from '../../src/templates/spec-checks.js'

function rejection(spec: GroupSpec): string {
  try {
    checkGroupSpec(spec)
  } catch (err) {
    expect(err).toBeInstanceOf(MetadataError)
    expect((err as MetadataError).code).toBe('VALIDATION_FAILED')
    return (err as MetadataError).message
  }
  throw new Error('expected a validation failure')
}

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64')

describe('spec.templateEncoding (SPEC §16)', () => {
  it('base64 is decoded on write; the stored spec holds the text and no templateEncoding', () => {
    const template = '#cloud-config\nhostname: {{ hostname|upper }}\nmotd: "Grüße"\n'
    expect(checkGroupSpec({ template: base64(template), templateEncoding: 'base64', description: 'd' })).toEqual({ template, description: 'd' })
  })

  it('line breaks and spaces in the base64 text are ignored (base64 wraps at 76 columns)', () => {
    const template = 'x'.repeat(200)
    const wrapped = base64(template).replace(/(.{76})/g, '$1\n')
    expect(checkGroupSpec({ template: wrapped, templateEncoding: 'base64' }).template).toBe(template)
  })

  it('plain, or no encoding, stores the template as sent', () => {
    expect(checkGroupSpec({ template: 'a: 1', templateEncoding: 'plain' })).toEqual({ template: 'a: 1' })
    expect(checkGroupSpec({ template: 'a: 1' })).toEqual({ template: 'a: 1' })
  })

  it('bad base64, or bytes that are not UTF-8, answer 400 naming the field', () => {
    for (const bad of ['not base64!', 'YWJj=', 'YWJjZA', 'Y']) {
      expect(rejection({ template: bad, templateEncoding: 'base64' }), bad).toBe(
        'validation failed: template is not valid base64 (templateEncoding is base64)',
      )
    }
    expect(rejection({ template: Buffer.from([0xff, 0xfe, 0x00]).toString('base64'), templateEncoding: 'base64' })).toBe(
      'validation failed: template decoded from base64 is not UTF-8 text (templateEncoding is base64)',
    )
  })
})

describe('template and metaData limits (SPEC §16)', () => {
  it('a template is at most 256 KiB, counted in UTF-8 bytes after decoding', () => {
    expect(checkGroupSpec({ template: 'x'.repeat(262_144) }).template).toHaveLength(262_144)
    expect(rejection({ template: 'x'.repeat(262_145) })).toBe('validation failed: template must be at most 262144 bytes (256 KiB), got 262145')
    expect(rejection({ template: 'é'.repeat(131_073) })).toBe('validation failed: template must be at most 262144 bytes (256 KiB), got 262146')
    expect(rejection({ template: base64('x'.repeat(262_145)), templateEncoding: 'base64' })).toMatch(/at most 262144 bytes/)
  })

  it('a 765 KB template is refused by its size before anything parses it (issue 16: it took 1.7 s to validate)', () => {
    // Unclosed sections and tags everywhere: any parse would fail differently. The size answers first.
    const template = '{{#x}}{% if %}{{ '.repeat(Math.ceil(765_000 / 17))
    expect(rejection({ template })).toMatch(/^validation failed: template must be at most 262144 bytes \(256 KiB\), got \d+$/)
  })

  it('metaData takes any JSON value, up to 64 KiB as JSON and 16 levels deep', () => {
    const metaData = { s: 'x', n: 1.5, b: true, z: null, l: [1, 'a', [2]], m: { k: { j: 1 } } }
    expect(checkGroupSpec({ template: '', metaData }).metaData).toEqual(metaData)
    let deep: unknown = 'leaf'
    for (let i = 0; i < 15; i++) deep = { d: deep }
    expect(() => checkGroupSpec({ template: '', metaData: { d: deep } })).not.toThrow()
    expect(rejection({ template: '', metaData: { d: { d: deep } } })).toBe('validation failed: metaData must nest at most 16 levels deep')
    expect(rejection({ template: '', metaData: { d: [[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]] } })).toBe(
      'validation failed: metaData must nest at most 16 levels deep',
    )
  })

  it('metaData over 64 KiB as JSON is refused naming the size', () => {
    expect(() => checkGroupSpec({ template: '', metaData: { big: 'x'.repeat(65_000) } })).not.toThrow()
    expect(rejection({ template: '', metaData: { big: 'x'.repeat(65_530) } })).toBe(
      'validation failed: metaData must be at most 65536 bytes as JSON (64 KiB), got 65540',
    )
  })

  it('every problem is named at once', () => {
    expect(rejection({ template: 'x'.repeat(300_000), metaData: { big: 'x'.repeat(70_000) } })).toBe(
      'validation failed: template must be at most 262144 bytes (256 KiB), got 300000; metaData must be at most 65536 bytes as JSON (64 KiB), got 70010',
    )
  })
})
