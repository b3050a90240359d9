import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { GOLDEN_META_DATA, MOCK_NODE_FIXTURES, QUICKSTART_CLUSTER_DEFAULTS, QUICKSTART_GROUP_COMPUTE, QUICKSTART_GROUP_GREEN, storedResource } from '@metadata-service/core/testing'
import { ENTRIES, N0_IP, postJson, read, startHarness, type Harness } from './_harness.js'

/** SPEC §14a step 3: the three fixtures created over the resource API. */
async function quickStart(h: Harness): Promise<void> {
  expect((await postJson(h, '/clusterdefaultss', QUICKSTART_CLUSTER_DEFAULTS)).status).toBe(201)
  expect((await postJson(h, '/groups', QUICKSTART_GROUP_COMPUTE)).status).toBe(201)
  expect((await postJson(h, '/groups', QUICKSTART_GROUP_GREEN)).status).toBe(201)
}

const NC12_GOLDEN: unknown = parse(GOLDEN_META_DATA)

describe.each(ENTRIES)('NoCloud routes with the quick-start resources (SPEC §2, §14a), %s', (entry) => {
  it('AT-1: /meta-data is application/x-yaml and equals the NC-12 golden, keys in order', async () => {
    const h = await startHarness({ entry })
    await quickStart(h)
    const res = await read(await h.fetch('/meta-data', { as: N0_IP }))
    expect(res.status).toBe(200)
    expect(res.type).toBe('application/x-yaml')
    const doc = parse(res.body) as Record<string, unknown>
    expect(doc).toEqual(NC12_GOLDEN)
    expect(Object.keys(doc)).toEqual(['instance-id', 'local-hostname', 'hostname', 'cluster-name', 'instance_data'])
  })

  it('AT-7: /vendor-data is exactly the NC-13 golden', async () => {
    const h = await startHarness({ entry })
    await quickStart(h)
    const res = await read(await h.fetch('/vendor-data', { as: N0_IP }))
    expect(res).toEqual({
      status: 200,
      type: 'text/plain',
      body: '#include\nhttp://localhost:8888/compute.yaml\nhttp://localhost:8888/green.yaml\n',
    })
  })

  it('AT-11: /compute.yaml and /green.yaml render the group templates exactly', async () => {
    const h = await startHarness({ entry })
    await quickStart(h)
    expect(await read(await h.fetch('/compute.yaml', { as: N0_IP }))).toEqual({
      status: 200,
      type: 'text/cloud-config',
      body:
        '#cloud-config\nhostname: tc1000\nwrite_files:\n  - path: /etc/node-role\n    content: |\n' +
        '      ROLE=compute\n      NID=1000\n      IP=10.252.0.26\n',
    })
    expect(await read(await h.fetch('/green.yaml', { as: N0_IP }))).toEqual({
      status: 200,
      type: 'text/cloud-config',
      body: '#cloud-config\nwrite_files:\n  - path: /etc/node-color\n    content: |\n      COLOR=green\n',
    })
  })

  it('AT-12: a group the node is not in answers 404 with the exact plain text', async () => {
    const h = await startHarness({ entry })
    await quickStart(h)
    expect(await read(await h.fetch('/storage.yaml', { as: N0_IP }))).toEqual({
      status: 404,
      type: 'text/plain; charset=utf-8',
      body: 'node x1000c0s0b0n0 is not a member of group storage\n',
    })
  })

  it('AT-16: /meta-data/ and /vendor-data/ answer as without the slash (NC-4b), and so do the other two', async () => {
    const h = await startHarness({ entry })
    await quickStart(h)
    for (const path of ['/meta-data', '/vendor-data', '/network-config', '/user-data']) {
      const plain = await read(await h.fetch(path, { as: N0_IP }))
      expect(plain.status).toBe(200)
      expect(await read(await h.fetch(`${path}/`, { as: N0_IP }))).toEqual(plain)
    }
  })

  it('HEAD answers the headers of GET without a body', async () => {
    const h = await startHarness({ entry })
    await quickStart(h)
    const get = await h.fetch('/vendor-data', { as: N0_IP })
    const head = await h.fetch('/vendor-data', { as: N0_IP, method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-type')).toBe('text/plain')
    expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'))
    expect(await head.text()).toBe('')
    expect((await h.fetch('/compute.yaml', { as: N0_IP, method: 'HEAD' })).status).toBe(200)
  })
})

describe.each(ENTRIES)('NoCloud routes without resources, %s', (entry) => {
  it('AT-2: hostname "1000", cluster-name "", groups with empty maps, no base URL', async () => {
    const h = await startHarness({ entry })
    const res = await read(await h.fetch('/meta-data', { as: N0_IP }))
    expect(res.status).toBe(200)
    expect(res.body).toContain('hostname: "1000"')
    const doc = parse(res.body) as Record<string, unknown> & { instance_data: { v1: { vendor_data: Record<string, unknown> } } }
    expect(doc).toMatchObject({ hostname: '1000', 'local-hostname': '1000', 'cluster-name': '' })
    expect(doc.instance_data.v1.vendor_data.groups).toEqual({ compute: {}, green: {} })
    expect(doc.instance_data.v1.vendor_data).not.toHaveProperty('cloud_init_base_url')
  })

  it('AT-6: /user-data from an unknown address is exactly #cloud-config', async () => {
    const h = await startHarness({ entry })
    expect(await read(await h.fetch('/user-data', { as: '192.168.99.99' }))).toEqual({
      status: 200,
      type: 'text/cloud-config',
      body: '#cloud-config\n',
    })
  })

  it('ID-4: an unknown node gets 404 plain "node not found" on every identity route', async () => {
    const h = await startHarness({ entry })
    for (const path of ['/meta-data', '/vendor-data', '/network-config', '/compute.yaml']) {
      expect(await read(await h.fetch(path, { as: '192.168.99.99' }))).toEqual({
        status: 404,
        type: 'text/plain; charset=utf-8',
        body: 'node not found\n',
      })
    }
  })

  it('ID-4: an inventory outage is 503 "node lookup unavailable" with Retry-After, never a 404', async () => {
    const h = await startHarness({ entry })
    h.inventory.failNext('INVENTORY_UNAVAILABLE')
    const res = await h.fetch('/meta-data', { as: N0_IP })
    expect(res.headers.get('retry-after')).toBe('5')
    expect(await read(res)).toEqual({ status: 503, type: 'text/plain; charset=utf-8', body: 'node lookup unavailable\n' })
    expect(h.logger.entries.some((e) => e.level === 'warn' && String(e.fields.error).includes('fake inventory failure'))).toBe(true)
  })

  it('AT-13: /blue.yaml for n1 with no Group, then with an empty template, is #cloud-config', async () => {
    const h = await startHarness({ entry })
    const first = await read(await h.fetch('/blue.yaml', { as: '10.252.0.27' }))
    expect(first).toEqual({ status: 200, type: 'text/cloud-config', body: '#cloud-config\n' })
    expect((await postJson(h, '/groups', { metadata: { name: 'blue' }, spec: { template: '' } })).status).toBe(201)
    expect(await read(await h.fetch('/blue.yaml', { as: '10.252.0.27' }))).toEqual(first)
  })

  it('AT-14: a Jinja template is accepted (201) and served verbatim', async () => {
    const h = await startHarness({ entry })
    const template = '## template: jinja\n#cloud-config\nh: {{ ds.meta_data.hostname }}\n{% if x %}a{% endif %}\n'
    expect((await postJson(h, '/groups', { metadata: { name: 'compute' }, spec: { template } })).status).toBe(201)
    expect(await read(await h.fetch('/compute.yaml', { as: N0_IP }))).toEqual({ status: 200, type: 'text/cloud-config', body: template })
  })

  it('AT-15: /network-config lists both NICs with /24 subnets; a node without NICs gets the minimal body', async () => {
    const h = await startHarness({ entry })
    const res = await read(await h.fetch('/network-config', { as: N0_IP }))
    expect(res.status).toBe(200)
    expect(res.type).toBe('text/cloud-config')
    const doc = parse(res.body) as { version: number; config: Array<{ name: string; subnets: Array<{ address: string }> }> }
    expect(doc.version).toBe(1)
    expect(doc.config.map((c) => [c.name, c.subnets[0]?.address])).toEqual([
      ['eth0', '10.252.0.26/24'],
      ['eth1', '10.100.0.26/24'],
    ])
    h.inventory.setNodes([{ xname: 'x1n0', nid: 1, role: 'compute', groups: [], interfaces: [], nics: [], componentIp: '10.0.0.9' }])
    expect(await read(await h.fetch('/network-config', { as: '10.0.0.9' }))).toEqual({
      status: 200,
      type: 'text/cloud-config',
      body: 'version: 1\nconfig: []\n',
    })
  })

  it('NC-4c: the group is the percent-decoded last segment minus .yaml, dots allowed', async () => {
    const h = await startHarness({ entry })
    expect((await read(await h.fetch('/rack.1.yaml', { as: N0_IP }))).body).toBe('node x1000c0s0b0n0 is not a member of group rack.1\n')
    expect((await read(await h.fetch('/rack%201.yaml', { as: N0_IP }))).body).toBe('node x1000c0s0b0n0 is not a member of group rack 1\n')
    h.inventory.setNodes([{ xname: 'x1n0', nid: 1, role: 'compute', groups: ['rack.1'], interfaces: [], nics: [], componentIp: '10.0.0.9' }])
    expect((await postJson(h, '/groups', { metadata: { name: 'rack.1' }, spec: { template: '#cloud-config\nn: {{ nid }}\n' } })).status).toBe(201)
    expect((await read(await h.fetch('/rack.1.yaml', { as: '10.0.0.9' }))).body).toBe('#cloud-config\nn: 1\n')
    // Exact routes win: /meta-data is never the group "meta-data" of the catch-all.
    expect((await h.fetch('/meta-data', { as: '10.0.0.9' })).headers.get('content-type')).toBe('application/x-yaml')
  })

  it('NC-14: without a configured base, vendor-data uses X-Forwarded-Proto/Host from a trusted peer', async () => {
    const h = await startHarness({ entry })
    expect((await postJson(h, '/groups', QUICKSTART_GROUP_COMPUTE)).status).toBe(201)
    const headers = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'ci.example:8443' }
    expect((await read(await h.fetch('/vendor-data', { as: N0_IP, headers }))).body).toBe(
      '#include\nhttps://ci.example:8443/compute.yaml\n',
    )
  })

  it('OPS-5: the request log line names the resolved node', async () => {
    const h = await startHarness({ entry })
    await h.fetch('/meta-data', { as: N0_IP })
    const line = h.logger.entries.find((e) => e.message === 'request')
    expect(line?.fields).toMatchObject({ method: 'GET', route: '/meta-data', status: 200, client: N0_IP, node: 'x1000c0s0b0n0' })
  })

  it('NC-16: unreadable memberships are 500 "failed to verify group membership"; NC-17 vendor-data still answers 200', async () => {
    const h = await startHarness({ entry })
    const n0 = MOCK_NODE_FIXTURES[0]!
    h.inventory.setNodes([{ ...n0, groups: undefined }])
    expect(await read(await h.fetch('/compute.yaml', { as: N0_IP }))).toEqual({
      status: 500,
      type: 'text/plain; charset=utf-8',
      body: 'failed to verify group membership\n',
    })
    expect(await read(await h.fetch('/vendor-data', { as: N0_IP }))).toEqual({ status: 200, type: 'text/plain', body: '#include\n' })
  })

  it('NC-16: a stored template that fails to render is 500 "template rendering failed"', async () => {
    const h = await startHarness({ entry })
    // Written straight to the store, as an older release may have left it: the API would have refused it (TPL-4).
    await h.store.create(storedResource('Group', { metadata: { name: 'compute' }, spec: { template: '#cloud-config\n{{#open}}\n' } }))
    expect(await read(await h.fetch('/compute.yaml', { as: N0_IP }))).toEqual({
      status: 500,
      type: 'text/plain; charset=utf-8',
      body: 'template rendering failed\n',
    })
  })
})
