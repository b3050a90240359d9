import { describe, expect, it } from 'vitest'
import { MetadataError } from '../../src/errors.js'
import type { GroupSpec } from '../../src/domain/group.js'
import { validateGroupTemplate } from '../../src/templates/validate.js'
import { F_COMPUTE, F_GREEN, mustacheSpec } from './_fixtures.test-data.js'

/** The VALIDATION_FAILED message `validateGroupTemplate` throws, or fails the test. */
function rejection(spec: GroupSpec, group = 'compute'): string {
  try {
    validateGroupTemplate(spec, group)
  } catch (err) {
    expect(err).toBeInstanceOf(MetadataError)
    expect((err as MetadataError).code).toBe('VALIDATION_FAILED')
    return (err as MetadataError).message
  }
  throw new Error('expected a validation failure')
}

const required = (template: string, metaData?: Record<string, string>, group = 'compute'): string[] =>
  validateGroupTemplate(mustacheSpec(template, metaData), group).requiredVariables

describe('validateGroupTemplate: AT-45 (TPL-4)', () => {
  it('{{ missing_value }} → missing required variables', () => {
    expect(rejection(mustacheSpec('{{ missing_value }}'))).toBe('validation failed: missing required variables: [missing_value]')
  })

  it('bad: [{{ hostname }} → YAML invalid after rendering', () => {
    const message = rejection(mustacheSpec('bad: [{{ hostname }}'))
    expect(message.startsWith('validation failed: template YAML invalid after rendering: ')).toBe(true)
    expect(message).not.toContain('\n')
  })

  it('sections over interfaces and public_keys are accepted', () => {
    expect(required('{{#interfaces}}{{name}}={{ip}}{{/interfaces}}{{#public_keys}}- {{.}}{{/public_keys}}')).toEqual([
      'interfaces',
      'ip',
      'name',
      'public_keys',
    ])
  })

  it('{{> p}} → unsupported partial', () => {
    expect(rejection(mustacheSpec('{{> p}}'))).toBe('validation failed: template uses unsupported partial: p')
  })

  it('{{ ds.hostname }} {{ meta_data.instance-id }} is accepted', () => {
    expect(required('{{ ds.hostname }} {{ meta_data.instance-id }}')).toEqual([
      'ds',
      'ds.hostname',
      'meta_data',
      'meta_data.instance-id',
    ])
  })

  it('{{ scheduler }} is accepted with that metaData', () => {
    expect(required('{{ scheduler }}', { scheduler: 'slurm' })).toEqual(['scheduler'])
    expect(rejection(mustacheSpec('{{ scheduler }}'))).toBe('validation failed: missing required variables: [scheduler]')
  })
})

describe('validateGroupTemplate: steps in order (TPL-4)', () => {
  it('step 1: parse errors carry the mustache.js detail, with line and column (SPEC §16)', () => {
    expect(rejection(mustacheSpec('{{#a}}x'))).toBe('validation failed: template parse error: Unclosed section "a" at line 1, column 8')
    expect(rejection(mustacheSpec('x {{/a}}'))).toBe('validation failed: template parse error: Unopened section "a" at line 1, column 3')
    expect(rejection(mustacheSpec('{{ hostname'))).toBe('validation failed: template parse error: Unclosed tag at line 1, column 12')
  })

  it('step 2 comes before step 3, and names the first partial in the text', () => {
    expect(rejection(mustacheSpec('{{nope}}{{#hostname}}{{> inner}}{{/hostname}}{{> outer}}'))).toBe(
      'validation failed: template uses unsupported partial: inner',
    )
  })

  it('step 3 lists every unresolved name, sorted and de-duplicated; a section or inverted section guards its own name (SPEC §16)', () => {
    expect(rejection(mustacheSpec('{{zeta}} {{alpha}} {{#sect}}{{inner}}{{/sect}} {{alpha}} {{foo.bar}} {{^neg}}{{/neg}}'))).toBe(
      'validation failed: missing required variables: [alpha, foo.bar, inner, zeta]',
    )
  })

  it('step 4: nesting too deep for mustache.js runs into the render budget before the stack (SPEC §16 template cost)', () => {
    const depth = 6_000
    const template = '{{#ds}}'.repeat(depth) + 'x' + '{{/ds}}'.repeat(depth)
    expect(rejection(mustacheSpec(template))).toBe(
      'validation failed: template output exceeds 50000 rendering steps when rendered for the validation sample',
    )
  })

  it('step 5: any YAML error in any document of the stream', () => {
    expect(rejection(mustacheSpec('a: 1\n---\nb: [\n'))).toMatch(/^validation failed: template YAML invalid after rendering: \S/)
    expect(rejection(mustacheSpec('a: 1\na: 2\n'))).toBe(
      'validation failed: template YAML invalid after rendering: Map keys must be unique at line 2, column 1',
    )
  })

  it('TPL-9: metaData is inserted raw, so an unquoted value can break the YAML', () => {
    expect(rejection(mustacheSpec('#cloud-config\nm: {{msg}}\n', { msg: 'a: b: c' }))).toMatch(
      /^validation failed: template YAML invalid after rendering: /,
    )
    expect(required("#cloud-config\nm: '{{msg}}'\n", { msg: 'a & <b> "c"' })).toEqual(['msg'])
  })
})

describe('validateGroupTemplate: skipped kinds and fixtures (TPL-1, TPL-7)', () => {
  it('empty and Jinja templates are not checked and require nothing', () => {
    expect(validateGroupTemplate({ template: '' }, 'g')).toEqual({ requiredVariables: [], engine: 'none', warnings: [] })
    expect(
      validateGroupTemplate(mustacheSpec('## template: jinja\n#cloud-config\nh: {{ ds.meta_data.hostname }}\n{% if x %}a{% endif %}\n'), 'g'),
    ).toEqual({ requiredVariables: [], engine: 'jinja', warnings: [] })
    expect(validateGroupTemplate(mustacheSpec('## Template: JINJA\n{{> p}} {{#x}}'), 'g')).toEqual({
      requiredVariables: [],
      engine: 'jinja',
      warnings: [],
    })
  })

  it('F-COMPUTE and F-GREEN validate', () => {
    expect(validateGroupTemplate(F_COMPUTE, 'compute')).toEqual({
      requiredVariables: ['hostname', 'ip', 'nid', 'role'],
      engine: 'mustache',
      warnings: [],
    })
    expect(validateGroupTemplate(F_GREEN, 'green')).toEqual({ requiredVariables: ['color'], engine: 'mustache', warnings: [] })
  })
})

describe('name resolution against the sample (TPL-5, TPL-6)', () => {
  it('accepts every TPL-6 sample key, at top level and under ds', () => {
    const keys = [
      'hostname', 'local_hostname', 'instance_id', 'cluster_name', 'cloud_provider', 'region', 'availability_zone',
      'cloud_name', 'local_ipv4', 'nid', 'role', 'mac', 'ip', 'base_url', 'interfaces', 'public_keys', 'vendor_data',
      'meta_data',
    ]
    const template = keys.map((k) => `# {{${k}}} {{ds.${k}}}`).join('\n') + '\n{{ds}}\n'
    expect(() => validateGroupTemplate(mustacheSpec(template), 'compute')).not.toThrow()
    expect(rejection(mustacheSpec('{{ds.ds}}'))).toBe('validation failed: missing required variables: [ds.ds]')
  })

  it('accepts the NC-5 document under meta_data, and vendor_data fields', () => {
    const template = [
      '{{meta_data.instance-id}} {{meta_data.local-hostname}} {{meta_data.hostname}} {{meta_data.cluster-name}}',
      '{{meta_data.instance_data.v1.cloud_name}} {{meta_data.instance_data.v1.availability_zone}} {{meta_data.instance_data.v1.local_ipv4}}',
      '{{vendor_data.version}} {{vendor_data.cloud_init_base_url}} {{vendor_data.nid}} {{vendor_data.mac}} {{vendor_data.groups.compute.description}}',
      '{{#interfaces}}{{#ip_addresses}}{{ip}}/{{network}}{{/ip_addresses}} {{redfishid}} {{enabled}} {{description}}{{/interfaces}}',
    ].join('\n')
    expect(() => validateGroupTemplate(mustacheSpec(`#cloud-config\nx: |\n  ${template.replaceAll('\n', '\n  ')}\n`), 'compute')).not.toThrow()
    expect(rejection(mustacheSpec('{{meta_data.instance_id}} {{vendor_data.nope}}'))).toBe(
      'validation failed: missing required variables: [meta_data.instance_id, vendor_data.nope] ' +
        '(did you mean meta_data.instance-id for meta_data.instance_id?)',
    )
  })

  it('inside a section, names resolve against the item first, then outward; . is always valid', () => {
    expect(required('{{#interfaces}}{{name}} {{hostname}} {{.}}{{/interfaces}}')).toEqual(['hostname', 'interfaces', 'name'])
    expect(rejection(mustacheSpec('{{#interfaces}}{{nope}}{{/interfaces}}'))).toBe(
      'validation failed: missing required variables: [nope]',
    )
    expect(rejection(mustacheSpec('{{name}}'))).toBe('validation failed: missing required variables: [name]')
    expect(required('# {{.}}{{#ds}}{{.}}{{/ds}}')).toEqual(['ds'])
  })

  it('{{^x}} keeps the enclosing view', () => {
    expect(rejection(mustacheSpec('{{^interfaces}}{{name}}{{/interfaces}}'))).toBe(
      'validation failed: missing required variables: [name]',
    )
  })

  it('accepts paths through a group-name position, under vendor_data, ds and meta_data.instance_data.v1', () => {
    for (const prefix of ['vendor_data', 'ds.vendor_data', 'meta_data.instance_data.v1.vendor_data', 'ds.meta_data.instance_data.v1.vendor_data']) {
      expect(() => validateGroupTemplate(mustacheSpec(`{{${prefix}.groups.other.anything.deeper}}`), 'g')).not.toThrow()
      expect(() => validateGroupTemplate(mustacheSpec(`{{#${prefix}.groups.rack9}}{{whatever}}{{/${prefix}.groups.rack9}}`), 'g')).not.toThrow()
    }
    expect(() => validateGroupTemplate(mustacheSpec('{{#vendor_data}}{{groups.rack1.x}}{{/vendor_data}}'), 'g')).not.toThrow()
  })

  it('accepts names inside a section over the groups map', () => {
    expect(required('{{#vendor_data.groups}}{{anything}}{{/vendor_data.groups}}')).toEqual(['anything', 'vendor_data', 'vendor_data.groups'])
  })

  it("includes this group's description and metaData in the sample groups map", () => {
    const spec: GroupSpec = { description: 'Compute nodes', metaData: { scheduler: 'slurm' }, template: '{{vendor_data.groups.compute.scheduler}}' }
    expect(validateGroupTemplate(spec, 'compute').requiredVariables).toEqual(['vendor_data', 'vendor_data.groups.compute.scheduler'])
  })

  it('metaData keys are literal: "a.b" does not satisfy {{a.b}}', () => {
    expect(rejection(mustacheSpec('{{a.b}}', { 'a.b': 'x' }))).toBe('validation failed: missing required variables: [a.b]')
  })

  it('a metaData key hides the top-level key it overrides (ds included); ds keeps the sample value', () => {
    expect(rejection(mustacheSpec('{{vendor_data.groups.x.y}}', { vendor_data: 'flat' }))).toBe(
      'validation failed: missing required variables: [vendor_data.groups.x.y]',
    )
    expect(required('{{ds.vendor_data.groups.x.y}}', { vendor_data: 'flat' })).toEqual(['ds', 'ds.vendor_data.groups.x.y'])
    expect(rejection(mustacheSpec('{{ds.hostname}}', { ds: 'flat' }))).toBe('validation failed: missing required variables: [ds.hostname]')
  })

  it('inherited members do not resolve (SEC-3)', () => {
    expect(rejection(mustacheSpec('{{constructor}} {{toString}} {{interfaces.map}} {{__proto__}}'))).toBe(
      'validation failed: missing required variables: [__proto__, constructor, interfaces.map, toString]',
    )
  })
})

describe('requiredVariables (TPL-8)', () => {
  it('holds tag names plus the roots of dotted names, sorted, without .', () => {
    expect(required('{{b}}{{&a}}{{{c}}}{{#d}}{{.}}{{/d}}{{^e}}{{/e}}{{! f }}{{b}}', { a: '', b: '', c: '', d: 'x', e: '' })).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
    ])
    expect(required('{{ds.hostname}}{{ds.nid}}')).toEqual(['ds', 'ds.hostname', 'ds.nid'])
  })
})
