import { describe, expect, it } from 'vitest'
import type { GroupSpec } from '../../src/domain/group.js'
import { MetadataError } from '../../src/errors.js'
import type { MetaDataDocument } from '../../src/nocloud/meta-data-document.js'
import { goldenMetaData } from './_fixtures.test-data.js'
import { validateGroupTemplate, type TemplateValidationOptions } from '../../src/templates/validate.js'

/** The VALIDATION_FAILED message, or fails the test. */
function rejection(template: string, metaData?: Record<string, unknown>, options?: TemplateValidationOptions): string {
  try {
    validateGroupTemplate({ template, ...(metaData === undefined ? {} : { metaData }) }, 'compute', options)
  } catch (err) {
    expect(err).toBeInstanceOf(MetadataError)
    expect((err as MetadataError).code).toBe('VALIDATION_FAILED')
    return (err as MetadataError).message
  }
  throw new Error('expected a validation failure')
}

const accepted = (template: string, metaData?: Record<string, unknown>, options?: TemplateValidationOptions) =>
  validateGroupTemplate({ template, ...(metaData === undefined ? {} : { metaData }) } as GroupSpec, 'compute', options)

/** The golden n0 document with `count` public keys: a cluster whose largest node has many keys. */
function manyKeys(count: number): MetaDataDocument {
  const document = goldenMetaData()
  document.instance_data.v1.public_keys = Array.from({ length: count }, (_, i) => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${i} key${i}@example`)
  return document
}

describe('TPL-4 for Pongo2 templates (SPEC §16)', () => {
  it('syntax errors name the line and column', () => {
    expect(rejection('#cloud-config\nx: {{ a |}}\n')).toBe('validation failed: template parse error: filter name expected after | at line 2, column 10')
    expect(rejection('#cloud-config\n{% if x %}\n')).toBe(
      'validation failed: template parse error: {% if %} is not closed with {% endif %} at line 2, column 1',
    )
    expect(rejection('{# engine: pongo2 #}\n#cloud-config\n{# a\n#}')).toMatch(/may not span lines .* at line 3, column 1$/)
  })

  it('unknown filters are refused with a suggestion', () => {
    expect(rejection('h: {{ hostname|uper }}')).toBe(
      "validation failed: template parse error: unknown filter 'uper' (did you mean upper?) at line 1, column 16",
    )
  })

  it('names that resolve nowhere are refused, with "did you mean" (issue 17), in both engines', () => {
    expect(rejection('h: {{ hostnme|upper }}')).toBe('validation failed: missing required variables: [hostnme] (did you mean hostname?)')
    expect(rejection('h: {{ hostnme }}')).toBe('validation failed: missing required variables: [hostnme] (did you mean hostname?)')
    expect(rejection('{{#public_keys}}{{ hostnme }}{{/public_keys}}')).toBe(
      'validation failed: missing required variables: [hostnme] (did you mean hostname?)',
    )
    expect(rejection('{% if true %}{{ vendor_data.rol }} {{ nope }}{% endif %}')).toBe(
      'validation failed: missing required variables: [nope, vendor_data.rol] (did you mean vendor_data.role for vendor_data.rol?)',
    )
    expect(rejection('{% for iface in interfaces %}{{ ifce.name }}{% endfor %}')).toBe(
      'validation failed: missing required variables: [ifce.name] (did you mean iface.name?)',
    )
  })

  it('names the template guards are accepted: default, default_if_none, if/elif conditions and their branch, firstof', () => {
    for (const template of [
      '{{ proxy|default:"none" }}',
      '{{ proxy|default_if_none:"none" }}',
      '{% if proxy %}{{ proxy }} {{ proxy.host }}{% endif %}',
      '{% if a %}{% elif proxy and proxy.port > 0 %}{{ proxy.port }}{% endif %}',
      '{% firstof proxy other "direct" %}',
    ]) {
      expect(accepted(`#cloud-config\n# ${template}\n`).engine, template).toBe('pongo2')
    }
    expect(rejection('{% if proxy %}{% else %}{{ proxy }}{% endif %}')).toBe('validation failed: missing required variables: [proxy]')
    expect(rejection('{{ proxy|upper|default:"x" }}')).toBe('validation failed: missing required variables: [proxy]')
  })

  it('Mustache sections and inverted sections guard their own name (SPEC §16)', () => {
    expect(accepted('#cloud-config\n{{#proxy}}p: {{.}}{{/proxy}}{{^proxy}}p: none{{/proxy}}\n').engine).toBe('mustache')
  })

  it('loops resolve their variables against the first item; lists may be longer on other nodes', () => {
    expect(accepted('#cloud-config\n# {% for i in interfaces %}{{ i.name }} {{ i.ip_addresses.0.network }}{% endfor %} {{ public_keys.3 }}\n').engine).toBe(
      'pongo2',
    )
  })

  it('loops over a value that is no list or map are refused, with where they are', () => {
    expect(rejection('#cloud-config\n{% for c in hostname %}{{ c }}{% endfor %}')).toBe(
      'validation failed: {% for %} loops over hostname, a string; loops need a list or a map (line 2, column 13)',
    )
    expect(rejection('{% for k, v in public_keys %}{% endfor %}')).toBe(
      'validation failed: {% for k, v %} needs a map; public_keys is a list (line 1, column 16)',
    )
    expect(rejection('{% for x in nid %}{% endfor %}')).toMatch(/loops over nid, a number/)
  })

  it('paths through a group-name position, and loops over the groups map, are accepted unchecked (TPL-5)', () => {
    expect(accepted('# {{ vendor_data.groups.rack9.anything|default:"" }} {{ vendor_data.groups.other.x }}\n').engine).toBe('pongo2')
    expect(accepted('# {% for name, g in vendor_data.groups %}{{ name }} {{ g.syslog_forwarder }}{% endfor %}\n').engine).toBe('pongo2')
  })

  it('reports requiredVariables: context paths and their roots, not the template\'s own names', () => {
    const result = accepted('#cloud-config\n# {% for k in public_keys %}{{ k }} {{ forloop.Counter }}{% endfor %}{% set x = 1 %}{{ x }} {{ meta_data.instance_data.v1.region }}\n')
    expect(result.requiredVariables).toEqual(['meta_data', 'meta_data.instance_data.v1.region', 'public_keys'])
  })

  it('a render error with the sample names where it happened', () => {
    expect(rejection('x: {{ nid / zero }}', { zero: 0 })).toBe('validation failed: template render error: division by zero at line 1, column 7')
  })

  it('the output must be YAML', () => {
    expect(rejection('bad: [{{ hostname|upper }}')).toMatch(/^validation failed: template YAML invalid after rendering: /)
  })
})

describe('the engine rule at validation (SPEC §16)', () => {
  it('refuses mixed syntax without a marker, saying how to mark it', () => {
    expect(rejection('#cloud-config\n{{#public_keys}}- {{.}}\n{{/public_keys}}\n{% if role %}x: 1{% endif %}\n')).toBe(
      'validation failed: template mixes Mustache ({{#public_keys}} at line 2, column 1) and Pongo2 ({% if role %} at line 4, column 1) ' +
        'syntax: keep to one, or name the engine on the first line with {{! engine: mustache }} or {# engine: pongo2 #}',
    )
  })

  it('with a marker the named engine reads everything: other syntax is text (Mustache) or an error (Pongo2)', () => {
    const mustache = '{{! engine: mustache }}\n#cloud-config\nwrite_files:\n  - content: "{% raw %}{{ hostname }}"\n    path: /x\n'
    expect(accepted(mustache).engine).toBe('mustache')
    expect(rejection('{# engine: pongo2 #}\n#cloud-config\n{{#x}}\n')).toBe('validation failed: template parse error: unexpected character "#" at line 3, column 3')
    expect(rejection('{# engine: jinja #}\nx')).toMatch(/the engine marker names 'jinja'/)
  })

  it('a template both engines read alike must print alike: a boolean or a fraction needs a marker', () => {
    expect(rejection('#cloud-config\nflag: {{ flag }}\n', { flag: true })).toBe(
      'validation failed: the template reads the same as Mustache and as Pongo2, but flag (a boolean: true in Mustache, True in Pongo2) ' +
        'prints differently in each; name the engine on the first line with {{! engine: mustache }} or {# engine: pongo2 #}',
    )
    expect(rejection('#cloud-config\nratio: {{ ratio }}\n', { ratio: 0.5 })).toMatch(/ratio \(a fraction/)
    expect(accepted('{{! engine: mustache }}\n#cloud-config\nflag: {{ flag }}\n', { flag: true }).engine).toBe('mustache')
    expect(accepted('{# engine: pongo2 #}\n#cloud-config\nflag: {{ flag }}\n', { flag: true }).engine).toBe('pongo2')
    expect(accepted('#cloud-config\nn: {{ nid }}\nk: "{{ public_keys }}"\nm: "{{ count }}"\n', { count: 3 }).engine).toBe('mustache')
  })
})

describe('cost bounds at validation: the sample and the cluster\'s worst case (SPEC §16 "Template cost", issue 16)', () => {
  const bomb = '#cloud-config\nk: "{{#public_keys}}{{#public_keys}}{{#public_keys}}{{.}}{{/public_keys}}{{/public_keys}}{{/public_keys}}"\n'
  const pongo2Bomb = '#cloud-config\nk: "{% for a in public_keys %}{% for b in public_keys %}{% for c in public_keys %}{{ c }}{% endfor %}{% endfor %}{% endfor %}"\n'

  it('the issue 16 bomb passes the one-key sample but not the cluster with 200 keys', () => {
    expect(accepted(bomb).engine).toBe('mustache')
    const worstCase = manyKeys(200)
    const overBound = /^validation failed: template output exceeds (50000 rendering steps|1048576 bytes \(max_document_bytes\)) when rendered for the cluster's largest node$/
    expect(rejection(bomb, undefined, { worstCase })).toMatch(overBound)
    expect(rejection(pongo2Bomb, undefined, { worstCase })).toMatch(overBound)
  })

  it('loops that print nothing run into the step budget', () => {
    const silent = '#cloud-config\n{% for a in public_keys %}{% for b in public_keys %}{% for c in public_keys %}{% endfor %}{% endfor %}{% endfor %}'
    expect(rejection(silent, undefined, { worstCase: manyKeys(200) })).toBe(
      "validation failed: template output exceeds 50000 rendering steps when rendered for the cluster's largest node",
    )
  })

  it('max_document_bytes applies as configured, in UTF-8 bytes', () => {
    const template = '#cloud-config\nm: "{{ motd }}"\n'
    expect(accepted(template, { motd: 'é'.repeat(40) }, { maxDocumentBytes: 100 }).engine).toBe('mustache')
    expect(rejection(template, { motd: 'é'.repeat(50) }, { maxDocumentBytes: 100 })).toBe(
      'validation failed: template output exceeds 100 bytes (max_document_bytes) when rendered for the validation sample',
    )
  })

  it('a 256 KiB template is validated within the budget: its expansion stops at the bound, not after the damage', () => {
    // 256 KiB of nested loops, each line 900 iterations for the sample: the budget stops the render in the first lines.
    const line = '{% for a in xs %}{% for b in xs %}{{ b }}{% endfor %}{% endfor %}\n'
    const template = `#cloud-config\n# ${line.repeat(Math.floor((256 * 1024 - 20) / line.length))}`
    expect(template.length).toBeLessThanOrEqual(256 * 1024)
    expect(rejection(template, { xs: Array.from({ length: 30 }, (_, i) => i) })).toBe(
      'validation failed: template output exceeds 50000 rendering steps when rendered for the validation sample',
    )
  })
})

describe('warnings (issue 17)', () => {
  it('a document cloud-init would ignore is accepted with a warning', () => {
    expect(accepted('hostname: {{ hostname }}\n').warnings).toEqual([
      { code: 'CLOUD_INIT_IGNORED', message: 'cloud-init ignores this document: it starts with "hostname: test-host", not #cloud-config, #!, #include, ## template: jinja, #cloud-boothook or #part-handler' },
    ])
    expect(accepted('{% if false %}#cloud-config{% endif %}').warnings[0]?.message).toBe('cloud-init ignores this document: it renders empty')
  })

  it.each(['#cloud-config\n', '  \n#Cloud-Config\n', '#!/bin/sh\necho {{ hostname }}\n', '#include\nhttp://x/{{ hostname }}\n', '#cloud-boothook\n', '#part-handler\n'])(
    'no warning for a document cloud-init reads: %j',
    (template) => {
      expect(accepted(template).warnings).toEqual([])
    },
  )
})
