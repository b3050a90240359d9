import { describe, expect, it } from 'vitest'
import { buildTemplateContext } from '../../src/templates/context.js'
import { renderGroupTemplate } from '../../src/templates/render.js'
import { validateGroupTemplate } from '../../src/templates/validate.js'
import type { MetaDataDocument } from '../../src/nocloud/meta-data-document.js'
import { bareMetaData, F_COMPUTE, F_GREEN, goldenMetaData, K1, mustacheSpec } from './_fixtures.test-data.js'

describe('buildTemplateContext (TPL-3)', () => {
  it('maps the NC-12 golden document to the TPL-3 keys', () => {
    const document = goldenMetaData()
    const context = buildTemplateContext(document)
    const vendorData = document.instance_data.v1.vendor_data
    const base = {
      hostname: 'tc1000',
      local_hostname: 'tc1000',
      instance_id: 'x1000c0s0b0n0',
      cluster_name: 'testcluster',
      cloud_provider: 'OpenCHAMI',
      region: 'lab',
      availability_zone: 'lab-a',
      cloud_name: 'OpenCHAMI',
      local_ipv4: '10.252.0.26',
      nid: 1000,
      role: 'compute',
      mac: 'b4:2e:99:be:1a:6d',
      ip: '10.252.0.26',
      base_url: 'http://localhost:8888',
      interfaces: vendorData.interfaces,
      public_keys: [K1],
      vendor_data: vendorData,
      meta_data: document,
    }
    expect(context).toEqual({ ...base, ds: base })
    expect(context.vendor_data).toBe(vendorData)
    expect(context.meta_data).toBe(document)
  })

  it('uses "" , 0 and [] for what the AT-2 document lacks', () => {
    const context = buildTemplateContext(bareMetaData())
    expect(context).toMatchObject({
      hostname: '1000',
      cluster_name: '',
      cloud_provider: '',
      region: '',
      availability_zone: '',
      local_ipv4: '',
      ip: '',
      nid: 0,
      role: '',
      mac: '',
      base_url: '',
      interfaces: [],
      public_keys: [],
      vendor_data: { version: '1.0', groups: { compute: {}, green: {} } },
    })
  })

  it('metaData overrides top-level keys, hostname and ds included, never keys inside ds', () => {
    const context = buildTemplateContext(goldenMetaData(), { hostname: 'override', ds: 'plain', scheduler: 'slurm' })
    expect(context.hostname).toBe('override')
    expect(context.ds).toBe('plain')
    expect(renderGroupTemplate('{{hostname}} {{ds}} {{ds.hostname}} {{scheduler}}', context)).toBe('override plain  slurm')

    const keepDs = buildTemplateContext(goldenMetaData(), { hostname: 'override', scheduler: 'slurm' })
    expect(renderGroupTemplate('{{hostname}} {{ds.hostname}} [{{ds.scheduler}}]', keepDs)).toBe('override tc1000 []')
  })

  it('keeps a "__proto__" metaData key as plain data', () => {
    const metaData = JSON.parse('{"__proto__":"x","a.b":"literal"}') as Record<string, string>
    const context = buildTemplateContext(goldenMetaData(), metaData)
    expect(Object.getPrototypeOf(context)).toBe(Object.prototype)
    expect(Object.hasOwn(context, '__proto__')).toBe(true)
    // metaData keys are literal: "a.b" is not the path a.b (TPL-5).
    expect(renderGroupTemplate('[{{a.b}}]', context)).toBe('[]')
  })

  it('drops metaData values that are not JSON data, so no function reaches the renderer', () => {
    let calls = 0
    const metaData = { f: () => String(++calls), s: 'ok' } as unknown as Record<string, string>
    const context = buildTemplateContext(goldenMetaData(), metaData)
    expect(Object.hasOwn(context, 'f')).toBe(false)
    expect(renderGroupTemplate('{{f}}{{s}}', context)).toBe('ok')
    expect(calls).toBe(0)
  })
})

describe('group templates rendered against node documents', () => {
  it('AT-11: F-COMPUTE and F-GREEN render exactly for the golden node', () => {
    const document = goldenMetaData()
    expect(renderGroupTemplate(F_COMPUTE.template, buildTemplateContext(document, F_COMPUTE.metaData))).toBe(
      '#cloud-config\nhostname: tc1000\nwrite_files:\n  - path: /etc/node-role\n    content: |\n      ROLE=compute\n      NID=1000\n      IP=10.252.0.26\n',
    )
    expect(renderGroupTemplate(F_GREEN.template, buildTemplateContext(document, F_GREEN.metaData))).toBe(
      '#cloud-config\nwrite_files:\n  - path: /etc/node-color\n    content: |\n      COLOR=green\n',
    )
  })

  it('AT-17: the syslog-ng template validates and gives each node only its rack forwarder', () => {
    const template =
      '#cloud-config\nfwd: "{{#vendor_data.groups.rack1}}{{syslog_forwarder}}{{/vendor_data.groups.rack1}}{{#vendor_data.groups.rack2}}{{syslog_forwarder}}{{/vendor_data.groups.rack2}}"\n'
    expect(validateGroupTemplate(mustacheSpec(template), 'syslog-ng')).toEqual({
      requiredVariables: ['syslog_forwarder', 'vendor_data', 'vendor_data.groups.rack1', 'vendor_data.groups.rack2'],
      engine: 'mustache',
      warnings: [],
    })

    const node = (rack: string, ip: string): MetaDataDocument => {
      const document = goldenMetaData()
      document.instance_data.v1.local_ipv4 = ip
      document.instance_data.v1.vendor_data.groups = {
        [rack]: { syslog_forwarder: `syslog.${rack}.local` },
        'syslog-ng': {},
      }
      return document
    }
    expect(renderGroupTemplate(template, buildTemplateContext(node('rack1', '10.0.0.100')))).toBe(
      '#cloud-config\nfwd: "syslog.rack1.local"\n',
    )
    expect(renderGroupTemplate(template, buildTemplateContext(node('rack2', '10.0.0.101')))).toBe(
      '#cloud-config\nfwd: "syslog.rack2.local"\n',
    )
  })
})
