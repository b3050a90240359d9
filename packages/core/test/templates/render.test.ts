import { describe, expect, it } from 'vitest'
import { MetadataError } from '../../src/errors.js'
import { buildTemplateContext } from '../../src/templates/context.js'
import { renderGroupTemplate } from '../../src/templates/render.js'
import { compiledTemplateCacheSize } from '../../src/templates/_token-cache.js'
import { goldenMetaData } from './_fixtures.test-data.js'

const render = (template: string, view: Record<string, unknown>): string => renderGroupTemplate(template, view)

describe('renderGroupTemplate: Mustache semantics (TPL-2)', () => {
  it('AT-18: no tag form HTML-escapes', () => {
    const context = buildTemplateContext(goldenMetaData(), { msg: 'a & <b> "c"' })
    expect(renderGroupTemplate("#cloud-config\nm: '{{msg}}'\n", context)).toBe('#cloud-config\nm: \'a & <b> "c"\'\n')
    expect(renderGroupTemplate('{{msg}}|{{ msg }}|{{{msg}}}|{{& msg}}', context)).toBe(
      'a & <b> "c"|a & <b> "c"|a & <b> "c"|a & <b> "c"',
    )
    expect(render("{{x}}", { x: "'/`=" })).toBe("'/`=")
  })

  it('prints numbers and booleans as text', () => {
    expect(render('{{n}} {{t}} {{f}} {{z}}', { n: 1000, t: true, f: false, z: 0 })).toBe('1000 true false 0')
  })

  it('treats missing and null as empty', () => {
    expect(render('[{{missing}}][{{nothing}}]', { nothing: null })).toBe('[][]')
  })

  it('iterates lists, pushing each item, and {{.}} is the item', () => {
    expect(render('{{#xs}}<{{.}}>{{/xs}}', { xs: ['a', 'b'] })).toBe('<a><b>')
    expect(render('{{#xs}}{{n}}={{v}};{{/xs}}', { xs: [{ n: 'a', v: 1 }, { n: 'b', v: 2 }], v: 'outer' })).toBe('a=1;b=2;')
  })

  it('pushes a map and renders once for other truthy values', () => {
    expect(render('{{#m}}{{k}}{{/m}}', { m: { k: 'v' } })).toBe('v')
    expect(render('{{#t}}yes{{/t}}', { t: true })).toBe('yes')
    expect(render('{{#s}}[{{.}}]{{/s}}', { s: 'str' })).toBe('[str]')
  })

  it.each([
    ['missing', {}],
    ['null', { x: null }],
    ['false', { x: false }],
    ['""', { x: '' }],
    ['0', { x: 0 }],
    ['[]', { x: [] }],
  ])('falsy %s: {{#x}} hides, {{^x}} shows', (_label, view) => {
    expect(render('{{#x}}shown{{/x}}{{^x}}inverted{{/x}}', view)).toBe('inverted')
  })

  it('{{^x}} hides for a truthy value', () => {
    expect(render('{{^x}}inverted{{/x}}', { x: 'y' })).toBe('')
  })

  it('drops comments', () => {
    expect(render('a{{! a comment }}b', {})).toBe('ab')
  })

  it('changes delimiters with {{=<% %>=}}', () => {
    expect(render('{{=<% %>=}}<% x %> {{x}} <%={{ }}=%>{{x}}', { x: 'v' })).toBe('v {{x}} v')
  })

  it('resolves dotted names by their first segment, innermost first', () => {
    const view = { a: { b: 'outer' }, items: [{ a: { b: 'inner' } }, { c: 1 }] }
    expect(render('{{a.b}} {{#items}}{{a.b}},{{/items}}', view)).toBe('outer inner,outer,')
  })

  it('reaches hyphenated keys with dotted names', () => {
    const context = buildTemplateContext(goldenMetaData())
    expect(renderGroupTemplate('{{ meta_data.instance-id }} {{meta_data.local-hostname}}', context)).toBe('x1000c0s0b0n0 tc1000')
  })

  it('renders partials as nothing (no partials, no file access: SEC-3)', () => {
    expect(render('a{{> p}}b', { p: 'x' })).toBe('ab')
  })

  it('never calls a function in the context (no lambdas)', () => {
    let calls = 0
    const fn = (): string => {
      calls += 1
      return 'called'
    }
    expect(render('[{{f}}][{{&f}}][{{#f}}x{{/f}}][{{^f}}inv{{/f}}][{{o.f}}]', { f: fn, o: { f: fn } })).toBe('[][][][inv][]')
    expect(calls).toBe(0)
  })

  it('ignores inherited members, so built-in functions are out of reach (SEC-3)', () => {
    const context = buildTemplateContext(goldenMetaData())
    const template =
      '[{{constructor}}][{{toString}}][{{#hasOwnProperty}}x{{/hasOwnProperty}}][{{interfaces.map}}][{{hostname.toUpperCase}}][{{__proto__}}]'
    expect(renderGroupTemplate(template, context)).toBe('[][][][][][]')
  })

  it('prints objects and lists the way mustache.js appends them', () => {
    expect(render('{{xs}} {{m}}', { xs: ['a', 'b'], m: { k: 1 } })).toBe('a,b [object Object]')
  })

  it('throws RENDER_FAILED "template rendering failed" with the mustache.js error as cause', () => {
    let caught: unknown
    try {
      render('{{#open}}never closed', {})
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(MetadataError)
    expect(caught).toMatchObject({ code: 'RENDER_FAILED', message: 'template rendering failed' })
    expect(((caught as MetadataError).cause as Error).message).toBe('Unclosed section "open" at 21')
  })

  it('caches compiled templates in a bounded cache (TPL-2)', () => {
    for (let i = 0; i < 300; i++) render(`#cloud-config\nn: {{n}}-${i}\n`, { n: i })
    const size = compiledTemplateCacheSize()
    expect(size.entries).toBe(256)
    expect(render('#cloud-config\nn: {{n}}-299\n', { n: 'again' })).toBe('#cloud-config\nn: again-299\n')
  })
})
