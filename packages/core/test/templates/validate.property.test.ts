import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isMetadataError } from '../../src/errors.js'
import { validateGroupTemplate } from '../../src/templates/validate.js'

/** Pieces that make mustache.js and YAML take their interesting paths far more often than random text would. */
const fragments = fc.constantFrom(
  '{{', '}}', '{{{', '}}}', '{{#', '{{^', '{{/', '{{>', '{{&', '{{!', '{{=', '=}}', '<% %>', '<%', '%>', '.', ' ',
  '\n', '\r\n', '\t', ':', '- ', '[', ']', '{', '}', '"', "'", '|', '&', '*', '!', '%', '@', '`', '---\n', '...\n',
  '#cloud-config\n', '## template: jinja\n', 'hostname', 'ds', 'vendor_data', 'groups', 'interfaces', 'public_keys',
  'meta_data', 'instance-id', 'name', 'ip', 'nid', 'x', 'a.b', '__proto__', 'constructor', 'toString', 'g',
)

const templates = fc.oneof(
  fc.array(fragments, { maxLength: 40 }).map((parts) => parts.join('')),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
)

const metaData = fc.option(
  fc.dictionary(fc.oneof(fc.constantFrom('hostname', 'ds', 'x', 'a.b', '__proto__', 'name'), fc.string({ maxLength: 8 })), fc.string({ maxLength: 12 }), { maxKeys: 4 }),
  { nil: undefined },
)

describe('validateGroupTemplate never fails in any other way (TPL-4)', () => {
  it('either reports requiredVariables or throws VALIDATION_FAILED "validation failed: …"', () => {
    fc.assert(
      fc.property(templates, metaData, fc.constantFrom('compute', 'g.1', '__proto__', 'syslog-ng'), (template, meta, group) => {
        try {
          const result = validateGroupTemplate(meta === undefined ? { template } : { template, metaData: meta }, group)
          expect(Array.isArray(result.requiredVariables)).toBe(true)
          expect(result.requiredVariables).not.toContain('.')
          expect([...result.requiredVariables].sort()).toEqual(result.requiredVariables)
        } catch (err) {
          if (!isMetadataError(err, 'VALIDATION_FAILED')) throw err
          expect(err.message.startsWith('validation failed: ')).toBe(true)
        }
      }),
      { numRuns: 1000 },
    )
  })
})
