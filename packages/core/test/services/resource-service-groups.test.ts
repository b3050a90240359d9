import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createFixedClock, createMemoryStore, createSequenceRandom } from '@metadata-service/core/testing'
import { createResourceService } from '@metadata-service/core'

const COMPUTE_TEMPLATE =
  '#cloud-config\nhostname: {{ hostname }}\nwrite_files:\n  - path: /etc/node-role\n    content: |\n' +
  '      ROLE={{ role }}\n      NID={{ nid }}\n      IP={{ ip }}\n'

function setup() {
  const store = createMemoryStore()
  const clock = createFixedClock(Date.UTC(2025, 0, 1))
  const service = createResourceService({ store, clock, random: createSequenceRandom() })
  const group = (template: string, metaData?: Record<string, string>) =>
    service.create('Group', { metadata: { name: 'compute' }, spec: { template, ...(metaData && { metaData }) } })
  return { store, clock, service, group }
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex')

describe('ResourceService Group writes (TPL-4, TPL-8, AT-45, AT-46)', () => {
  it('stores the TPL-8 status on create', async () => {
    const { group } = setup()
    const created = await group(COMPUTE_TEMPLATE, { scheduler: 'slurm' })
    const hash = sha(COMPUTE_TEMPLATE)
    expect(created.status).toEqual({
      valid: true,
      errorMessage: '',
      requiredVariables: ['hostname', 'ip', 'nid', 'role'],
      engine: 'mustache',
      warnings: [],
      templateHash: hash,
      currentTemplateVersion: `v-${hash.slice(0, 8)}`,
      templateHistory: [{ version: `v-${hash.slice(0, 8)}`, timestamp: '2025-01-01T00:00:00.000Z', valid: true }],
    })
  })

  it('answers AT-45 and stores nothing on a 400', async () => {
    const { group, store, service } = setup()
    await expect(group('{{ missing_value }}')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'validation failed: missing required variables: [missing_value]',
    })
    await expect(group('bad: [{{ hostname }}')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/^validation failed: template YAML invalid after rendering: /),
    })
    await expect(group('{{> p}}')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'validation failed: template uses unsupported partial: p',
    })
    expect(store.generation()).toBe(0)
    expect(await service.list('Group')).toEqual([])

    const accepted = [
      ['{{#interfaces}}{{name}}={{ip}}{{/interfaces}}{{#public_keys}}- {{.}}{{/public_keys}}', undefined],
      ['{{ ds.hostname }} {{ meta_data.instance-id }}', undefined],
      ['{{ scheduler }}', { scheduler: 'slurm' }],
    ] as const
    for (const [template, metaData] of accepted) {
      const created = await group(template, metaData)
      expect(created.spec.template).toBe(template)
      await service.delete('Group', created.metadata.uid)
    }
  })

  it('validates templates after RES-9 on PUT and PATCH, and updates the status', async () => {
    const { group, service, store } = setup()
    const uid = (await group(COMPUTE_TEMPLATE)).metadata.uid
    const generation = store.generation()
    await expect(
      service.replace('Group', uid, { spec: { template: '{{ nope }}', bogus: 1 } }),
    ).rejects.toMatchObject({ message: 'validation failed: unknown fields in spec: [bogus]' })
    await expect(service.patch('Group', uid, { template: '{{ nope }}' }, 'merge')).rejects.toMatchObject({
      message: 'validation failed: missing required variables: [nope]',
    })
    expect(store.generation()).toBe(generation)
    const section = 'vendor_data.groups.renamed'
    const byGroup = `#cloud-config\nx: "{{#${section}}}{{description}}{{/${section}}}"\n`
    const renamed = await service.replace('Group', uid, { metadata: { name: 'renamed' }, spec: { template: byGroup } })
    expect(renamed.metadata.name).toBe('renamed')
    expect(renamed.status.requiredVariables).toContain('vendor_data')
    expect(renamed.status.templateHistory).toHaveLength(2)
  })

  it('stores a Jinja template verbatim with no required variables (AT-14)', async () => {
    const { group } = setup()
    const jinja = '## template: jinja\n#cloud-config\nh: {{ ds.meta_data.hostname }}\n{% if x %}a{% endif %}\n'
    const created = await group(jinja)
    expect(created.spec.template).toBe(jinja)
    expect(created.status.requiredVariables).toEqual([])
  })

  it('keeps the last 10 template versions and replaces a repeated one in place (AT-46)', async () => {
    const { group, service, clock } = setup()
    const template = (i: number) => `#cloud-config\nrevision: ${i}\n`
    const uid = (await group(template(0))).metadata.uid
    for (let i = 1; i <= 10; i += 1) {
      clock.advance(1000)
      await service.patch('Group', uid, { template: template(i) }, 'merge')
    }
    clock.advance(1000)
    const repeated = await service.replace('Group', uid, { spec: { template: template(10) } })
    const history = repeated.status.templateHistory ?? []
    const versions = Array.from({ length: 10 }, (_, i) => `v-${sha(template(i + 1)).slice(0, 8)}`)
    expect(repeated.status.currentTemplateVersion).toMatch(/^v-[0-9a-f]{8}$/)
    expect(history.map((h) => h.version)).toEqual(versions)
    expect(history[9]).toEqual({ version: versions[9], timestamp: '2025-01-01T00:00:11.000Z', valid: true })
    expect(history[8]?.timestamp).toBe('2025-01-01T00:00:09.000Z')
  })
})
