import { describe, expect, it } from 'vitest'
import { CORPUS_SECOND_KEY, pongo2Corpus } from '@metadata-service/core/testing'
import { buildTemplateContext } from '../../../src/templates/context.js'
import { renderGroupTemplate } from '../../../src/templates/render.js'
import { validateGroupTemplate } from '../../../src/templates/validate.js'
import { goldenMetaData } from '../_fixtures.test-data.js'
import type { GroupSpec } from '../../../src/domain/group.js'
import type { MetaDataDocument } from '../../../src/nocloud/meta-data-document.js'

const corpus = pongo2Corpus()

/** Mock n0 as the corpus README describes it: the NC-12 golden document, a second key, the case's group. */
function n0(spec: GroupSpec): MetaDataDocument {
  const document = goldenMetaData()
  const v1 = document.instance_data.v1
  v1.public_keys = [...(v1.public_keys ?? []), CORPUS_SECOND_KEY]
  const groups = v1.vendor_data.groups as Record<string, Record<string, unknown>>
  groups.compute = Object.fromEntries(Object.entries({ description: spec.description, ...spec.metaData }).sort(([a], [b]) => (a < b ? -1 : 1)))
  groups.green = {}
  return document
}

describe('the Pongo2 corpus (issue 13 "Must show"; SPEC §16 TPL-1/TPL-2)', () => {
  it('has at least 40 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40)
  })

  it.each(corpus.map((c) => [c.name, c] as const))('%s: validates as Pongo2 and renders the expected document', (_name, c) => {
    const spec: GroupSpec = { description: 'Compute nodes', template: c.template, ...(c.metaData === undefined ? {} : { metaData: c.metaData }) }
    expect(validateGroupTemplate(spec, 'compute')).toMatchObject({ engine: 'pongo2', warnings: [] })
    expect(renderGroupTemplate(c.template, buildTemplateContext(n0(spec), spec.metaData))).toBe(c.expected)
  })
})
