import { describe, expect, it } from 'vitest'
import { MetadataError } from '../../../src/errors.js'
import { goldenMetaData } from '../_fixtures.test-data.js'
import { RenderBudget } from '../../../src/templates/_budget.js'
import { buildTemplateContext } from '../../../src/templates/context.js'
import { renderGroupTemplate } from '../../../src/templates/render.js'
import { validateGroupTemplate } from '../../../src/templates/validate.js'
import { engineCause, parsePongo2, renderPongo2 } from '../../../src/templates/pongo2/engine.js'

/** SEC-3 and SPEC §16: a template never reads files, includes other templates, calls functions or runs code. */
describe('hostile Pongo2 templates (SEC-3)', () => {
  const context = buildTemplateContext(goldenMetaData(), JSON.parse('{"__proto__": {"polluted": "yes"}, "safe": "ok"}') as Record<string, unknown>)
  const render = (template: string): string => renderPongo2(parsePongo2(template), context, new RenderBudget(1 << 20))
  const parseMessage = (template: string): string => {
    try {
      parsePongo2(template)
    } catch (err) {
      return (engineCause(err) as Error).message
    }
    return 'parsed'
  }

  it.each([
    ['{% include "/etc/passwd" %}', /cannot include other templates or read files/],
    ['{% extends "base.tpl" %}', /cannot extend other templates or read files/],
    ['{% import "macros.tpl" m %}', /cannot import other templates or read files/],
    ['{% ssi "/etc/shadow" parsed %}', /cannot read files/],
    ['{% macro m() %}x{% endmacro %}', /macros are not supported/],
    ['{% block b %}x{% endblock %}', /cannot extend other templates/],
    // LiquidJS's own tags, files and code included, are not there: only ours are registered.
    ['{% render "file" %}', /unknown tag 'render'/],
    ['{% layout "file" %}', /unknown tag 'layout'/],
    ['{% liquid echo 1 %}', /unknown tag 'liquid'/],
    ['{% assign x = 1 %}', /unknown tag 'assign'/],
    ['{% raw %}{% endraw %}', /unknown tag 'raw'/],
  ])('%s is refused: %s', (template, message) => {
    expect(parseMessage(template)).toMatch(message)
  })

  it.each([
    '{{ constructor.constructor("return process")() }}',
    '{{ range.constructor("return process")() }}',
    '{{ hostname.toString() }}',
    '{{ ""|length() }}',
  ])('%s: calls are a syntax error', (template) => {
    expect(parseMessage(template)).toMatch(/cannot call functions|unexpected|expected/)
  })

  it('inherited members never resolve: constructor, __proto__, toString, prototype chains', () => {
    expect(render('[{{ constructor }}][{{ toString }}][{{ range.constructor }}][{{ vendor_data.constructor }}]')).toBe('[][][][]')
    expect(render('[{{ vendor_data["constructor"]["constructor"] }}][{{ meta_data["__proto__"] }}][{{ interfaces.0.constructor }}]')).toBe('[][][]')
    expect(render('[{% for k in constructor %}{{ k }}{% empty %}none{% endfor %}]')).toBe('[none]')
  })

  it('a field of a string or list is an error, never a method', () => {
    for (const template of ['{{ hostname.constructor }}', '{{ hostname.length }}', '{{ public_keys.map }}']) {
      expect(() => render(template), template).toThrow(/cannot read a field/)
    }
  })

  it('a __proto__ metaData key is plain data, and assignments never reach Object.prototype', () => {
    expect(render('{{ __proto__.polluted }} {{ safe }}')).toBe('yes ok')
    expect(render('{% set __proto__ = "x" %}{{ __proto__ }}{% for __proto__ in public_keys %}{% endfor %}{% with constructor=1 %}{{ constructor }}{% endwith %}')).toBe('x1')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
  })

  it('filters take data only: unknown names (Liquid, JavaScript) are refused at parse', () => {
    for (const filter of ['json', 'inspect', 'constructor', 'valueOf', '__proto__', 'upcase']) {
      expect(parseMessage(`{{ hostname|${filter} }}`)).toMatch(new RegExp(`^unknown filter '${filter}'`))
    }
  })

  it('no HTML escaping anywhere: a&b stays a&b (SPEC §16)', () => {
    expect(render('{{ "a&b <c> \\"d\\" \'e\'" }}|{{ "<x>"|escape }}|{{ "<x>"|safe }}')).toBe('a&b <c> "d" \'e\'|<x>|<x>')
  })

  it('validation refuses hostile templates with a 400, and rendering a stored one answers 500, never anything else', () => {
    for (const template of ['{% include "/etc/passwd" %}', '{{ constructor.constructor("x")() }}', '{{ hostname.constructor }}']) {
      expect(() => validateGroupTemplate({ template: `{# engine: pongo2 #}\n${template}` }, 'g')).toThrow(MetadataError)
      expect(() => renderGroupTemplate(`{# engine: pongo2 #}\n${template}`, context)).toThrow(/template rendering failed/)
    }
  })
})
