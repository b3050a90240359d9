import { describe, expect, it } from 'vitest'
import { MetadataError } from '../../src/errors.js'
import { BudgetExceeded, RenderBudget } from '../../src/templates/_budget.js'
import { goldenMetaData } from './_fixtures.test-data.js'
import { compileTemplate } from '../../src/templates/_token-cache.js'
import { buildTemplateContext } from '../../src/templates/context.js'
import { DEFAULT_MAX_DOCUMENT_BYTES, MAX_RENDER_STEPS } from '../../src/templates/limits.js'
import { engineCause } from '../../src/templates/pongo2/engine.js'
import { isRenderLimitError, renderCompiled, renderGroupTemplate } from '../../src/templates/render.js'

/** n0 with 200 public keys: the issue 16 reproduction. */
function context200() {
  const document = goldenMetaData()
  document.instance_data.v1.public_keys = Array.from({ length: 200 }, (_, i) => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${i} key${i}@example`)
  return buildTemplateContext(document)
}

/** Renders with an explicit budget and returns it with what stopped the render. */
function budgetAfter(template: string, context: Record<string, unknown>, maxBytes = DEFAULT_MAX_DOCUMENT_BYTES) {
  const budget = new RenderBudget(maxBytes)
  let stopped: BudgetExceeded | undefined
  try {
    renderCompiled(compileTemplate(template), template, context, budget)
  } catch (err) {
    const cause = engineCause(err)
    if (!(cause instanceof BudgetExceeded)) throw err
    stopped = cause
  }
  return { budget, stopped }
}

const sectionBomb = '{{#public_keys}}{{#public_keys}}{{#public_keys}}{{.}}{{/public_keys}}{{/public_keys}}{{/public_keys}}'
const loopBomb = '{% for a in public_keys %}{% for b in public_keys %}{% for c in public_keys %}{{ c }}{% endfor %}{% endfor %}{% endfor %}'

describe('render bounds (SPEC §16 "Template cost", issue 16 item 3)', () => {
  it('the nested-section bomb with 200 keys answers a limit error instead of a 96 MB document', () => {
    for (const template of [sectionBomb, loopBomb]) {
      let error: unknown
      try {
        renderGroupTemplate(template, context200())
      } catch (err) {
        error = err
      }
      expect(error, template).toBeInstanceOf(MetadataError)
      expect(isRenderLimitError(error)).toBe(true)
      expect((error as MetadataError).message).toMatch(/^template output exceeds (1048576 bytes \(max_document_bytes\)|50000 rendering steps)$/)
    }
  })

  it('the budget stops the render as it goes: never more than the bound in output or steps (structural, not timed)', () => {
    for (const template of [sectionBomb, loopBomb]) {
      const { budget, stopped } = budgetAfter(template, context200())
      expect(stopped, template).toBeDefined()
      expect(budget.steps).toBeLessThanOrEqual(MAX_RENDER_STEPS + 1)
      expect(budget.bytes).toBeLessThanOrEqual(DEFAULT_MAX_DOCUMENT_BYTES + 100)
    }
  })

  it('loops and sections that write nothing still run into the step budget', () => {
    for (const template of [
      '{{#public_keys}}{{#public_keys}}{{#public_keys}}{{/public_keys}}{{/public_keys}}{{/public_keys}}',
      '{% for a in public_keys %}{% for b in public_keys %}{% for c in public_keys %}{% endfor %}{% endfor %}{% endfor %}',
    ]) {
      expect(budgetAfter(template, context200()).stopped?.limit, template).toBe('steps')
    }
  })

  it('filters that would build huge strings are charged before they allocate', () => {
    expect(budgetAfter('{{ "x"|ljust:1000000000 }}', {}).stopped?.limit).toBe('steps')
  })

  it('max_document_bytes is configurable and counted in UTF-8 bytes on the finished document', () => {
    const context = { motd: 'é'.repeat(60) }
    expect(renderGroupTemplate('{{ motd }}', context, { maxDocumentBytes: 120 })).toHaveLength(60)
    expect(() => renderGroupTemplate('{{ motd }}!', context, { maxDocumentBytes: 120 })).toThrow('template output exceeds 120 bytes (max_document_bytes)')
    expect(() => renderGroupTemplate('{% for i in l %}{{ motd }}{% endfor %}', { ...context, l: [1, 2, 3] }, { maxDocumentBytes: 120 })).toThrow(
      'template output exceeds 120 bytes (max_document_bytes)',
    )
  })

  it('a limit error carries the limit for counting; other render failures stay "template rendering failed"', () => {
    try {
      renderGroupTemplate(sectionBomb, context200(), { maxSteps: 10 })
    } catch (err) {
      expect((err as MetadataError).details).toEqual({ limit: 'steps', max: 10 })
    }
    expect(() => renderGroupTemplate('{# engine: pongo2 #}\n{{ 1 / 0 }}', {})).toThrow(/^template rendering failed$/)
    expect(isRenderLimitError(new MetadataError('RENDER_FAILED', 'template rendering failed'))).toBe(false)
  })
})
