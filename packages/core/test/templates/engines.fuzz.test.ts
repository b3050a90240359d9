import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isMetadataError } from '../../src/errors.js'
import { goldenMetaData } from './_fixtures.test-data.js'
import { buildTemplateContext } from '../../src/templates/context.js'
import { renderGroupTemplate } from '../../src/templates/render.js'
import { validateGroupTemplate } from '../../src/templates/validate.js'

/** Pieces of both syntaxes (and YAML) that make the lexers, parsers and renderers take their interesting paths. */
const fragments = fc.constantFrom(
  '{{', '}}', '{{{', '}}}', '{{#', '{{^', '{{/', '{{>', '{{&', '{{!', '{{=', '{{-', '-}}', '{%', '%}', '{%-', '-%}', '{#', '#}',
  ' if ', ' elif ', ' else ', ' endif ', ' for ', ' in ', ' empty ', ' endfor ', ' with ', ' set ', ' comment ', ' endcomment ',
  ' verbatim ', ' include ', ' and ', ' or ', ' not ', '==', '!=', '<', '>', '|', ':', '"', "'", '(', ')', '[', ']', '.', ',',
  '+', '-', '*', '/', '%', '^', '1', '0', '2.5', 'true', 'forloop.Counter', 'default:"x"', 'upper', 'join:","', 'length',
  'hostname', 'public_keys', 'interfaces', 'vendor_data.groups', 'meta_data', 'ds', 'x', 'k', 'v', '__proto__', 'constructor',
  '\n', ' ', '#cloud-config\n', '{# engine: pongo2 #}\n', '{{! engine: mustache }}\n', '## template: jinja\n', '- ', ': ',
)
const templates = fc.oneof(fc.array(fragments, { maxLength: 50 }).map((parts) => parts.join('')), fc.string({ maxLength: 60 }))
const metaData = fc.option(fc.dictionary(fc.constantFrom('x', 'k', 'v', 'hostname', 'list', 'map'), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }), {
  nil: undefined,
})

/** Seeded and bounded (issue 16 "Must show": a fuzz suite over the template engines); `FUZZ_SEED` replays a failure. */
const runs = { seed: Number(process.env.FUZZ_SEED ?? 1613), numRuns: 1_500 }

describe('both template engines under fuzzing (SPEC §16, issue 16)', () => {
  it('validation only ever answers VALIDATION_FAILED, and rendering only RENDER_FAILED, with bounded output', () => {
    const context = buildTemplateContext(goldenMetaData(), { list: [1, 2, 3], map: { a: 1 } })
    fc.assert(
      fc.property(templates, metaData, (template, meta) => {
        try {
          const result = validateGroupTemplate(meta === undefined ? { template } : { template, metaData: meta as Record<string, unknown> }, 'compute')
          expect(['none', 'jinja', 'mustache', 'pongo2']).toContain(result.engine)
        } catch (err) {
          if (!isMetadataError(err, 'VALIDATION_FAILED')) throw err
          expect(err.message.startsWith('validation failed: ')).toBe(true)
        }
        try {
          expect(renderGroupTemplate(template, context, { maxDocumentBytes: 4_096 }).length).toBeLessThanOrEqual(4_096)
        } catch (err) {
          if (!isMetadataError(err, 'RENDER_FAILED')) throw err
        }
      }),
      runs,
    )
  })
})
