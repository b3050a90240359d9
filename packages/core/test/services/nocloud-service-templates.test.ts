import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { storedResource } from '../../src/testing/fixtures.js'
import { CD, REQUEST, clusterNodes, rejection, setup } from './_nocloud-service.test-setup.js'

const KEYS = Array.from({ length: 200 }, (_, i) => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${i} key${i}@example`)
/** F-CD with 200 public keys: every node gets them (NC-5). */
const CD_200 = storedResource('ClusterDefaults', { metadata: { name: 'demo-cluster' }, spec: { ...CD.spec, public_keys: KEYS } }, { uid: 'clusterdefaults-00000001' })
const BOMB = '{{#public_keys}}{{#public_keys}}{{#public_keys}}{{.}}{{/public_keys}}{{/public_keys}}{{/public_keys}}'

/** A Group as a data directory may hold it: written before the cluster grew, or by hand (no validation). */
const group = (name: string, template: string, uid: string, metaData?: Record<string, unknown>) =>
  storedResource('Group', { metadata: { name }, spec: { template, ...(metaData && { metaData }) } }, { uid })

describe('a hostile template stored on one group (issue 16 item 3, SPEC §16 "Template cost")', () => {
  it('answers 500 template output exceeds … for that group only; the node\'s other documents and other nodes are unaffected', async () => {
    const { service, node } = setup({ resources: [CD_200, group('compute', BOMB, 'group-00000001'), group('blue', '#cloud-config\nb: 1\n', 'group-00000002')] })
    const n0 = await node()
    const err = await rejection(service.groupDocument(n0, 'compute', REQUEST))
    expect([err.code, err.message]).toEqual(['RENDER_FAILED', 'template output exceeds 1048576 bytes (max_document_bytes)'])
    expect((await service.metaData(n0, REQUEST)).body).toContain('instance-id: x1000c0s0b0n0')
    expect((await service.vendorData(n0, REQUEST)).body).toBe('#include\nhttp://localhost:8888/compute.yaml\n')
    const n1 = await node('10.252.0.27')
    expect((await service.groupDocument(n1, 'blue', REQUEST)).body).toBe('#cloud-config\nb: 1\n')
    const storageNode = await node('10.252.0.28')
    expect((await service.metaData(storageNode, REQUEST)).body).toContain('hostname: tc1002')
  })

  it('is counted per group and limit, logged once per group and generation, and not rendered again for the same node', async () => {
    const { service, node, logger } = setup({ resources: [CD_200, group('compute', BOMB, 'group-00000001')] })
    const n0 = await node()
    const n1 = await node('10.252.0.27')
    for (const n of [n0, n0, n1]) await rejection(service.groupDocument(n, 'compute', { ...REQUEST, reqId: 'r1' }))
    const stats = service.stats()
    expect(stats.templateLimits).toEqual({ compute: { bytes: 3, steps: 0 } })
    expect(stats.builds.group).toBe(2)
    const warnings = logger.entries.filter((e) => e.message === 'group document over a template limit')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]?.fields).toMatchObject({ group: 'compute', node: 'x1000c0s0b0n0', limit: 'bytes', reqId: 'r1' })
  })

  /** Runs a started pre-render pass to its end: its slices, with the store's index load settling in between. */
  async function runPass(queue: (() => void)[]): Promise<void> {
    for (;;) {
      const task = queue.shift()
      if (task !== undefined) task()
      else if ((await new Promise((resolve) => setTimeout(resolve, 5)), queue.length === 0)) return
    }
  }

  it('the pre-render keeps the failure, so the group\'s nodes asking again costs no render at all', async () => {
    const { service, node } = setup({ resources: [CD_200, group('compute', BOMB, 'group-00000001')] })
    const queue: (() => void)[] = []
    service.startPrerender({ scheduler: { soon: (task) => queue.push(task), every: () => () => {} }, sliceMs: 1_000 })
    await runPass(queue)
    expect(service.stats().prerender.lastPass).toMatchObject({ failures: 2, overLimitSkipped: 0 })
    for (const address of ['10.252.0.26', '10.252.0.27']) await rejection(service.groupDocument(await node(address), 'compute', REQUEST))
    expect(service.stats().builds.group).toBe(0)
    expect(service.stats().templateLimits).toEqual({ compute: { bytes: 2, steps: 0 } })
  })

  it('a pass leaves a hostile group to the requests after three of its documents ran over a bound', async () => {
    const nodes = clusterNodes(20)
    const { service } = setup({ nodes, resources: [CD_200, group('compute', BOMB, 'group-00000001'), group('green', '#cloud-config\n', 'group-00000002')] })
    const queue: (() => void)[] = []
    service.startPrerender({ scheduler: { soon: (task) => queue.push(task), every: () => () => {} }, sliceMs: 1_000 })
    await runPass(queue)
    expect(service.stats().prerender.lastPass).toMatchObject({ failures: 3, overLimitSkipped: 17 })
    expect(service.stats().prerender.builds.group).toBe(10) // every green document, no compute one
    const late = nodes[19]!
    expect((await rejection(service.groupDocument(late, 'compute', REQUEST))).message).toMatch(/^template output exceeds/)
    expect(service.stats().builds.group).toBe(1)
  })

  it('honours max_document_bytes', async () => {
    const template = '#cloud-config\nkeys:\n{{#public_keys}}  - "{{.}}"\n{{/public_keys}}'
    const resources = [CD_200, group('compute', template, 'group-00000001')]
    const big = setup({ resources })
    expect((await big.service.groupDocument(await big.node(), 'compute', REQUEST)).body.length).toBeGreaterThan(9_000)
    const small = setup({ resources, maxDocumentBytes: 4_096 })
    const err = await rejection(small.service.groupDocument(await small.node(), 'compute', REQUEST))
    expect(err.message).toBe('template output exceeds 4096 bytes (max_document_bytes)')
    expect(small.service.stats().templateLimits).toEqual({ compute: { bytes: 1, steps: 0 } })
  })
})

describe('structured metaData in the documents (SPEC §16 TPL-3, NC-5, NC-10, NC-13)', () => {
  const metaData = { scheduler: 'slurm', cores: 64, ratio: 0.5, gpu: true, spare: null, tags: ['a', 'b'], slurm: { controller: { host: 'ctl01', port: 6817 } } }

  it('meta-data embeds nested values under vendor_data.groups and reads back as the same data', async () => {
    const { service, node } = setup({ resources: [CD, group('compute', '', 'group-00000001', metaData)] })
    const body = (await service.metaData(await node(), REQUEST)).body
    const groups = (parse(body) as { instance_data: { v1: { vendor_data: { groups: Record<string, unknown> } } } }).instance_data.v1.vendor_data.groups
    expect(groups.compute).toEqual(metaData)
    expect(groups.green).toEqual({})
  })

  it('both engines reach it: paths, lists and maps', async () => {
    const pongo2 = '#cloud-config\nctl: {{ slurm.controller.host }}:{{ slurm.controller.port }}\ntags: [{{ tags|join:", " }}]\ngpu: {{ gpu }}\n'
    const mustache = '#cloud-config\nctl: {{ slurm.controller.host }}:{{ slurm.controller.port }}\ntags: [{{#tags}}{{.}} {{/tags}}]\n'
    const a = setup({ resources: [CD, group('compute', pongo2, 'group-00000001', metaData)] })
    expect((await a.service.groupDocument(await a.node(), 'compute', REQUEST)).body).toBe('#cloud-config\nctl: ctl01:6817\ntags: [a, b]\ngpu: True\n')
    const b = setup({ resources: [CD, group('compute', mustache, 'group-00000001', metaData)] })
    expect((await b.service.groupDocument(await b.node(), 'compute', REQUEST)).body).toBe('#cloud-config\nctl: ctl01:6817\ntags: [a b ]\n')
  })

  it('vendor-data lists a group with a template whatever its metaData holds', async () => {
    const { service, node } = setup({ resources: [CD, group('compute', '{# engine: pongo2 #}\n#cloud-config\n', 'group-00000001', metaData)] })
    expect((await service.vendorData(await node(), REQUEST)).body).toBe('#include\nhttp://localhost:8888/compute.yaml\n')
  })
})
