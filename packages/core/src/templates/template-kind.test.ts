import { describe, expect, it } from 'vitest'
import { templateKind } from './template-kind.js'

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
