import { describe, expect, it } from 'vitest'
import type { InventoryNode } from '../../src/ports/inventory.js'
import { MOCK_N0, MOCK_NODE_FIXTURES, storedResource } from '../../src/testing/fixtures.js'
import { GOLDEN_COMPUTE_YAML, GOLDEN_GREEN_YAML } from '../../src/testing/goldens.js'
import { CD, COMPUTE, GREEN, REQUEST, rejection, setup } from './_nocloud-service.test-setup.js'

const group = (name: string, template: string, uid: string, metaData?: Record<string, string>) =>
  storedResource('Group', { metadata: { name }, spec: { template, ...(metaData && { metaData }) } }, { uid })

describe('/{group}.yaml (NC-16)', () => {
  it('AT-11: renders compute and green exactly, as text/cloud-config', async () => {
    const { service, node } = setup()
    const n0 = await node()
    expect(await service.groupDocument(n0, 'compute', REQUEST)).toEqual({ body: GOLDEN_COMPUTE_YAML, contentType: 'text/cloud-config' })
    expect((await service.groupDocument(n0, 'green', REQUEST)).body).toBe(GOLDEN_GREEN_YAML)
  })

  it('AT-12: a group the node is not in is NOT_A_MEMBER with the exact text', async () => {
    const { service, node } = setup()
    const err = await rejection(service.groupDocument(await node(), 'storage', REQUEST))
    expect([err.code, err.message]).toEqual(['NOT_A_MEMBER', `node ${MOCK_N0} is not a member of group storage`])
  })

  it('AT-13: a member group with no stored Group, then with an empty template, is #cloud-config\\n', async () => {
    const { service, store, node } = setup()
    const n1 = await node('10.252.0.27')
    expect((await service.groupDocument(n1, 'blue', REQUEST)).body).toBe('#cloud-config\n')
    await store.create(group('blue', '', 'group-00000009'))
    expect((await service.groupDocument(n1, 'blue', REQUEST)).body).toBe('#cloud-config\n')
  })

  it('unreadable memberships answer MEMBERSHIP_UNAVAILABLE before anything else (step 2)', async () => {
    const { service, node } = setup({ nodes: [{ ...MOCK_NODE_FIXTURES[0]!, groups: undefined }] })
    const err = await rejection(service.groupDocument(await node(), 'compute', REQUEST))
    expect([err.code, err.message]).toEqual(['MEMBERSHIP_UNAVAILABLE', 'failed to verify group membership'])
  })

  it('AT-14: serves a Jinja template verbatim (step 7)', async () => {
    const jinja = '## template: jinja\n#cloud-config\nh: {{ ds.meta_data.hostname }}\n{% if x %}a{% endif %}\n'
    const { service, node } = setup({ resources: [CD, group('compute', jinja, 'group-00000001')] })
    expect((await service.groupDocument(await node(), 'compute', REQUEST)).body).toBe(jinja)
  })

  it('AT-18: metaData values are inserted raw, no HTML escaping', async () => {
    const resources = [CD, group('compute', "#cloud-config\nm: '{{msg}}'\n", 'group-00000001', { msg: 'a & <b> "c"' })]
    const { service, node } = setup({ resources })
    expect((await service.groupDocument(await node(), 'compute', REQUEST)).body).toBe('#cloud-config\nm: \'a & <b> "c"\'\n')
  })

  it('AT-17: a template reads other groups of the node through vendor_data.groups', async () => {
    const syslog =
      '#cloud-config\nfwd: "{{#vendor_data.groups.rack1}}{{syslog_forwarder}}{{/vendor_data.groups.rack1}}' +
      '{{#vendor_data.groups.rack2}}{{syslog_forwarder}}{{/vendor_data.groups.rack2}}"\n'
    const nodes: InventoryNode[] = [
      { ...MOCK_NODE_FIXTURES[0]!, groups: ['syslog-ng', 'rack1'] },
      { ...MOCK_NODE_FIXTURES[1]!, groups: ['syslog-ng', 'rack2'] },
    ]
    const resources = [
      CD,
      group('syslog-ng', syslog, 'group-00000001'),
      group('rack1', '', 'group-00000002', { syslog_forwarder: 'syslog.rack1.local' }),
      group('rack2', '', 'group-00000003', { syslog_forwarder: 'syslog.rack2.local' }),
    ]
    const { service, node } = setup({ nodes, resources })
    const n0 = await node()
    expect((await service.groupDocument(n0, 'syslog-ng', REQUEST)).body).toBe('#cloud-config\nfwd: "syslog.rack1.local"\n')
    expect((await service.groupDocument(await node('10.252.0.27'), 'syslog-ng', REQUEST)).body).toBe('#cloud-config\nfwd: "syslog.rack2.local"\n')
    expect((await service.vendorData(n0, REQUEST)).body).toBe('#include\nhttp://localhost:8888/syslog-ng.yaml\n')
  })

  it('a render failure is RENDER_FAILED with the exact text, and is not cached (step 8)', async () => {
    let fail = true
    const renderGroup = () => {
      if (fail) throw new Error('boom')
      return 'ok\n'
    }
    const { service, node } = setup({ renderGroup })
    const n0 = await node()
    const err = await rejection(service.groupDocument(n0, 'compute', REQUEST))
    expect([err.code, err.message]).toEqual(['RENDER_FAILED', 'template rendering failed'])
    expect((err.cause as Error).message).toBe('boom')
    fail = false
    expect((await service.groupDocument(n0, 'compute', REQUEST)).body).toBe('ok\n')
  })

  it('an unparsable stored template fails with RENDER_FAILED from the real renderer', async () => {
    const { service, node } = setup({ resources: [CD, group('compute', '#cloud-config\n{{#open}}\n', 'group-00000001')] })
    const err = await rejection(service.groupDocument(await node(), 'compute', REQUEST))
    expect([err.code, err.message]).toEqual(['RENDER_FAILED', 'template rendering failed'])
  })

  it('does not depend on the request: Host never reaches a group document', async () => {
    const { service, node } = setup({ resources: [CD, COMPUTE, GREEN] })
    const n0 = await node()
    expect((await service.groupDocument(n0, 'compute', { host: 'evil:1', proto: 'https' })).body).toBe(GOLDEN_COMPUTE_YAML)
  })
})
