import { describe, expect, it } from 'vitest'
import { createFakeInventory, createFixedClock, createMemoryStore, createSequenceRandom } from '@metadata-service/core/testing'
import { createResourceService, type Group } from '@metadata-service/core'

const KEYS = Array.from({ length: 200 }, (_, i) => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${i} key${i}@example`)
const BOMB = '#cloud-config\nk: "{{#public_keys}}{{#public_keys}}{{#public_keys}}{{.}}{{/public_keys}}{{/public_keys}}{{/public_keys}}"\n'

function setup(options: { inventory?: boolean; maxDocumentBytes?: number } = {}) {
  const store = createMemoryStore()
  const service = createResourceService({
    store,
    clock: createFixedClock(Date.UTC(2025, 0, 1)),
    random: createSequenceRandom(),
    ...(options.inventory === true ? { inventory: createFakeInventory() } : {}),
    ...(options.maxDocumentBytes === undefined ? {} : { maxDocumentBytes: options.maxDocumentBytes }),
  })
  const group = (spec: Record<string, unknown>, name = 'compute') => service.create('Group', { metadata: { name }, spec }) as Promise<Group>
  return { store, service, group }
}

describe('Group writes with both engines (SPEC §16, issue 13, issue 17)', () => {
  it('stores the engine and the warnings in the status', async () => {
    const { group } = setup()
    expect((await group({ template: '#cloud-config\nh: {{ hostname|upper }}\n' })).status).toMatchObject({ engine: 'pongo2', warnings: [] })
    expect((await group({ template: '' }, 'empty')).status).toMatchObject({ engine: 'none', warnings: [] })
    expect((await group({ template: '## template: jinja\n#cloud-config\n' }, 'jinja')).status).toMatchObject({ engine: 'jinja' })
    const ignored = await group({ template: 'h: {{ hostname }}\n' }, 'bare')
    expect(ignored.status.engine).toBe('mustache')
    expect(ignored.status.warnings).toEqual([{ code: 'CLOUD_INIT_IGNORED', message: expect.stringMatching(/^cloud-init ignores this document: it starts with "h: test-host"/) }])
  })

  it('decodes templateEncoding base64 on write: stored and served decoded, the field not kept', async () => {
    const { group, service } = setup()
    const template = '#cloud-config\nhostname: {{ hostname }}\n'
    const created = await group({ template: Buffer.from(template).toString('base64'), templateEncoding: 'base64' })
    expect(created.spec).toEqual({ template })
    expect((await service.get('Group', created.metadata.uid)).spec.template).toBe(template)
    const patched = await service.patch('Group', created.metadata.uid, { template: Buffer.from('{# engine: pongo2 #}\n#cloud-config\n').toString('base64'), templateEncoding: 'base64' }, 'merge')
    expect(patched.spec).toEqual({ template: '{# engine: pongo2 #}\n#cloud-config\n' })
    expect(patched.status.engine).toBe('pongo2')
  })

  it('refuses bad base64, oversized templates and metaData with 400 naming the field, storing nothing', async () => {
    const { group, store } = setup()
    await expect(group({ template: '%%%', templateEncoding: 'base64' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'validation failed: template is not valid base64 (templateEncoding is base64)',
    })
    await expect(group({ template: 'x'.repeat(300_000) })).rejects.toMatchObject({ message: expect.stringMatching(/template must be at most 262144 bytes/) })
    await expect(group({ template: '', metaData: { big: 'x'.repeat(70_000) } })).rejects.toMatchObject({ message: expect.stringMatching(/metaData must be at most 65536 bytes/) })
    await expect(group({ template: '', templateEncoding: 'gzip' })).rejects.toMatchObject({ message: 'validation failed: templateEncoding must be one of: plain, base64' })
    expect(store.generation()).toBe(0)
  })

  it('accepts structured metaData and validates templates against it', async () => {
    const { group } = setup()
    const created = await group({
      template: '#cloud-config\n{% for m in mounts %}# {{ m.src }} {{ m.opts|default:"defaults" }}\n{% endfor %}',
      metaData: { mounts: [{ src: 'nfs:/home' }], count: 2, on: true, none: null, nested: { a: [1, { b: 'c' }] } },
    })
    expect(created.spec.metaData).toEqual({ mounts: [{ src: 'nfs:/home' }], count: 2, on: true, none: null, nested: { a: [1, { b: 'c' }] } })
    await expect(group({ template: '#cloud-config\n{{ mount.src }}\n', metaData: { mounts: [] } }, 'other')).rejects.toMatchObject({
      message: 'validation failed: missing required variables: [mount.src] (did you mean mounts.src?)',
    })
  })

  it('renders on write against the cluster\'s worst case when the inventory is wired (issue 16: "validation against the worst case")', async () => {
    const withInventory = setup({ inventory: true })
    await withInventory.service.create('ClusterDefaults', { metadata: { name: 'c' }, spec: { base_url: 'http://x', cluster_name: 'c', public_keys: KEYS } })
    await expect(withInventory.group({ template: BOMB })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/^validation failed: template output exceeds .* when rendered for the cluster's largest node$/),
    })
    // The TPL-6 sample alone has one key: without the inventory the bomb passes (the hole issue 16 found).
    const sampleOnly = setup()
    await sampleOnly.service.create('ClusterDefaults', { metadata: { name: 'c' }, spec: { base_url: 'http://x', cluster_name: 'c', public_keys: KEYS } })
    expect((await sampleOnly.group({ template: BOMB })).status.engine).toBe('mustache')
  })

  it('the worst case takes the InstanceInfo with the most keys, and max_document_bytes applies', async () => {
    const { service, group } = setup({ inventory: true, maxDocumentBytes: 2_000 })
    const template = '#cloud-config\nkeys:\n{% for k in public_keys %}  - "{{ k }}"\n{% endfor %}'
    expect((await group({ template })).status.engine).toBe('pongo2')
    await service.create('InstanceInfo', { metadata: { name: 'x1000c0s0b0n1' }, spec: { instance_id: 'x1000c0s0b0n1', public_keys: KEYS.slice(0, 60) } })
    await expect(group({ template }, 'other')).rejects.toMatchObject({
      message: "validation failed: template output exceeds 2000 bytes (max_document_bytes) when rendered for the cluster's largest node",
    })
  })
})
