import { describe, expect, it } from 'vitest'
import { classifyTemplate, templateKind } from '../../src/templates/template-kind.js'

describe('templateKind (TPL-1, TPL-7)', () => {
  it('TPL-1: only "" is empty; whitespace is a Mustache template', () => {
    expect(templateKind('')).toBe('empty')
    expect(templateKind(' ')).toBe('mustache')
    expect(templateKind('\n')).toBe('mustache')
  })

  it('AT-14: the SPEC template is Jinja', () => {
    expect(templateKind('## template: jinja\n#cloud-config\nh: {{ ds.meta_data.hostname }}\n{% if x %}a{% endif %}\n')).toBe(
      'jinja',
    )
  })

  it.each([
    '## template: jinja',
    '## template: jinja\n',
    '##template:jinja\nx',
    '## TEMPLATE: JINJA\nx',
    '## Template: Jinja  \nx',
    '##\ttemplate:\tjinja\t\nx',
    '## template: jinja\r\n#cloud-config\r\n',
  ])('TPL-7: %j is Jinja (case and whitespace variants)', (template) => {
    expect(templateKind(template)).toBe('jinja')
  })

  it.each([
    '#cloud-config\n## template: jinja\n',
    ' ## template: jinja\n',
    '# template: jinja\n',
    '## template: jinja2\n',
    '## template: jinja x\n',
    '## template jinja\n',
    '#cloud-config\nhostname: {{ hostname }}\n',
  ])('TPL-7: %j is Mustache (marker not exactly on the first line)', (template) => {
    expect(templateKind(template)).toBe('mustache')
  })
})

describe('classifyTemplate: the engine rule (SPEC §16 TPL-1/TPL-2, docs/spec-addendum.md)', () => {
  it.each([
    ['{{#interfaces}}{{name}}{{/interfaces}}', 'section'],
    ['{{^x}}none{{/x}}', 'inverted section'],
    ['{{! note }}', 'comment'],
    ['{{> partial}}', 'partial'],
    ['{{& raw}} {{{raw}}}', 'unescaped'],
    ['{{=<% %>=}}', 'delimiters'],
    ['{{#xs}}{{.}}{{/xs}}', 'implicit iterator'],
    ['{{ meta_data.instance-id }}', 'a name Pongo2 reads as subtraction'],
  ])('Mustache syntax makes a Mustache template: %s (%s)', (template) => {
    expect(classifyTemplate(template)).toMatchObject({ kind: 'mustache', shared: false, marked: false })
  })

  it.each([
    ['{% if x %}y{% endif %}', 'tag'],
    ['a {# note #} b', 'comment'],
    ['{{ x|upper }}', 'filter'],
    ['{{ x|default:"none" }}', 'filter with argument'],
    ['{{ "literal" }}', 'string literal'],
    ['{{ a + 1 }}', 'operator'],
    ['{{ a[0] }}', 'subscript'],
    ['{{- hostname -}}', 'whitespace control'],
    ['{{ not x }}', 'keyword'],
  ])('Pongo2 syntax makes a Pongo2 template: %s (%s)', (template) => {
    expect(classifyTemplate(template)).toMatchObject({ kind: 'pongo2', shared: false, marked: false })
  })

  it('only {{ name }} tags (or none): both engines read it alike; it renders as Mustache, marked shared', () => {
    for (const template of ['#cloud-config\nhostname: {{ hostname }}\nip: {{ ds.ip }}\nk: {{ public_keys.0 }}\n', 'plain text', '{{x}}{{ y }}']) {
      expect(classifyTemplate(template)).toEqual({ kind: 'mustache', start: 0, marked: false, shared: true })
    }
  })

  it('text that only looks like template syntax is neither: a {% or {# not closed on its line', () => {
    expect(classifyTemplate('#cloud-config\nruncmd:\n  - echo ${#array[@]} {{ hostname }}\n  - printf "{%s}\\n"\n')).toMatchObject({
      kind: 'mustache',
      shared: true,
    })
  })

  it('both kinds of syntax without a marker: a conflict naming each, rendered as Mustache as before', () => {
    const classification = classifyTemplate('#cloud-config\n{{#keys}}{{.}}{{/keys}}\n{% if x %}y{% endif %}\n')
    expect(classification.kind).toBe('mustache')
    expect(classification.conflict).toEqual({
      mustache: { text: '{{#keys}}', offset: 14 },
      pongo2: { text: '{% if x %}', offset: 38 },
    })
  })

  it('a first-line marker names the engine; each marker is a comment in its engine', () => {
    expect(classifyTemplate('{# engine: pongo2 #}\n{{ a }}')).toEqual({ kind: 'pongo2', start: 21, marked: true, shared: false })
    expect(classifyTemplate('{# Engine : PONGO2 #}\r\n{{#x}}')).toMatchObject({ kind: 'pongo2', marked: true })
    expect(classifyTemplate('{{! engine: mustache }}\n{% if %}{{ a }}')).toEqual({ kind: 'mustache', start: 0, marked: true, shared: false })
  })

  it('a malformed marker is reported (validation refuses it)', () => {
    expect(classifyTemplate('{# engine: django #}\nx').markerProblem).toBe(
      "the engine marker names 'django'; write {# engine: pongo2 #} or {{! engine: mustache }}",
    )
    expect(classifyTemplate('{# engine: mustache #}\nx').markerProblem).toBe(
      'the mustache engine marker is written {{! engine: mustache }} (a comment in that engine)',
    )
    expect(classifyTemplate('{{! engine: pongo2 }}\nx').markerProblem).toBe(
      'the pongo2 engine marker is written {# engine: pongo2 #} (a comment in that engine)',
    )
  })

  it('the jinja first line still wins (TPL-7), whatever else the text holds', () => {
    expect(classifyTemplate('## template: jinja\n{# engine: pongo2 #}\n{{#x}}{% if %}')).toEqual({ kind: 'jinja', start: 0, marked: false, shared: false })
  })
})
