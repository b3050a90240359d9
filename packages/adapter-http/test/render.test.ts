import { MetadataError } from '@metadata-service/core'
import {
  GOLDEN_COMPUTE_YAML,
  GOLDEN_GREEN_YAML,
  GOLDEN_VENDOR_DATA,
  QUICKSTART_CLUSTER_DEFAULTS,
  QUICKSTART_GROUP_COMPUTE,
  QUICKSTART_GROUP_GREEN,
  storedResource,
} from '@metadata-service/core/testing'
import { describe, expect, it } from 'vitest'
import type { AdminAccessRequest, RenderPreviewResponse } from '../src/index.js'
import { postJson, read, startHarness, type Harness, type HarnessOptions } from './_harness.js'

// Admin `POST /render`: what a node would receive, against the quick-start resources (SPEC §14), nothing stored.

const N0 = 'x1000c0s0b0n0'

async function quickstart(options: HarnessOptions = {}): Promise<Harness> {
  const h = await startHarness({ preview: true, ...options })
  await h.store.create(storedResource('ClusterDefaults', QUICKSTART_CLUSTER_DEFAULTS, { uid: 'clusterdefaults-00000001' }))
  await h.store.create(storedResource('Group', QUICKSTART_GROUP_COMPUTE, { uid: 'group-00000001' }))
  await h.store.create(storedResource('Group', QUICKSTART_GROUP_GREEN, { uid: 'group-00000002' }))
  return h
}

describe('POST /render', () => {
  it('shows every document n0 receives; compute.yaml is exactly AT-11', async () => {
    const h = await quickstart()
    const res = await postJson(h, '/render', { node: N0 })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    const body = (await res.json()) as RenderPreviewResponse
    expect(body.node).toBe(N0)
    expect(body.documents.map((d) => [d.path, d.status, d.contentType])).toEqual([
      ['/meta-data', 200, 'application/x-yaml'],
      ['/user-data', 200, 'text/cloud-config'],
      ['/vendor-data', 200, 'text/plain'],
      ['/network-config', 200, 'text/cloud-config'],
      ['/compute.yaml', 200, 'text/cloud-config'],
      ['/green.yaml', 200, 'text/cloud-config'],
    ])
    const byPath = new Map(body.documents.map((d) => [d.path, d.body]))
    expect(byPath.get('/compute.yaml')).toBe(GOLDEN_COMPUTE_YAML)
    expect(byPath.get('/green.yaml')).toBe(GOLDEN_GREEN_YAML)
    expect(byPath.get('/vendor-data')).toBe(GOLDEN_VENDOR_DATA)
    // The same bytes the node's own request gets.
    expect(byPath.get('/meta-data')).toBe(await (await h.fetch('/meta-data', { as: '10.252.0.26' })).text())
  })

  it('with a group and a template: today\'s document, the proposed one and a unified diff; nothing is stored', async () => {
    const h = await quickstart()
    const generation = h.store.generation()
    const template = QUICKSTART_GROUP_COMPUTE.spec.template.replace('IP={{ ip }}', 'IP={{ ip }}\n      SCHED={{ scheduler }}')
    const body = (await (await postJson(h, '/render', { node: N0, group: 'compute', template })).json()) as RenderPreviewResponse
    expect(body.documents).toEqual([{ path: '/compute.yaml', status: 200, contentType: 'text/cloud-config', body: GOLDEN_COMPUTE_YAML }])
    expect(body.proposed?.body).toBe(`${GOLDEN_COMPUTE_YAML}      SCHED=slurm\n`)
    expect(body.proposed?.diff).toBe(
      '--- compute.yaml (stored template)\n+++ compute.yaml (proposed template)\n@@ -6,3 +6,4 @@\n' +
        '       ROLE=compute\n       NID=1000\n       IP=10.252.0.26\n+      SCHED=slurm\n',
    )
    expect(h.store.generation()).toBe(generation)
  })

  it('a group the node is not in shows the NC-16 404 the node would get (AT-12)', async () => {
    const h = await quickstart()
    const body = (await (await postJson(h, '/render', { node: N0, group: 'storage' })).json()) as RenderPreviewResponse
    expect(body.documents).toEqual([
      { path: '/storage.yaml', status: 404, contentType: 'text/plain; charset=utf-8', body: `node ${N0} is not a member of group storage\n` },
    ])
  })

  it('an unknown node is a 404 naming it; an invalid template the TPL-4 400; bad bodies a 400 naming the field', async () => {
    const h = await quickstart()
    expect(await read(await postJson(h, '/render', { node: 'x9999c0s0b0n0' }))).toEqual({
      status: 404,
      type: 'application/json',
      body: '{"error":"node x9999c0s0b0n0 not found","code":404}',
    })
    expect(await read(await postJson(h, '/render', { node: N0, group: 'compute', template: '#cloud-config\nx: {{ missing_value }}\n' }))).toEqual({
      status: 400,
      type: 'application/json',
      body: '{"error":"validation failed: missing required variables: [missing_value]","code":400}',
    })
    const cases: [unknown, string][] = [
      [{}, 'validation failed: node is required'],
      [{ node: 7 }, 'validation failed: node must be a string'],
      [{ node: N0, extra: 1 }, 'validation failed: unknown fields: [extra]'],
      [{ node: N0, template: 'x: 1\n' }, 'validation failed: template requires group'],
      [[], 'validation failed: body must be a JSON object'],
    ]
    for (const [request, error] of cases) {
      expect(await read(await postJson(h, '/render', request))).toEqual({ status: 400, type: 'application/json', body: JSON.stringify({ error, code: 400 }) })
    }
    const notJson = await h.fetch('/render', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' })
    expect(notJson.status).toBe(400)
    expect(((await notJson.json()) as { error: string }).error).toMatch(/^invalid request body: /)
  })

  it('with networks: /network-config today and with them, the diff and the notes; bad networks are a 400 naming the field (issue 14)', async () => {
    const h = await quickstart()
    const generation = h.store.generation()
    const networks = { HMN: { ipv4: { subnet: '10.252.0.0/17', gateway: '10.252.0.1' }, default_route: true } }
    const body = (await (await postJson(h, '/render', { node: N0, networks })).json()) as RenderPreviewResponse
    expect(body.documents).toEqual([
      {
        path: '/network-config',
        status: 200,
        contentType: 'text/cloud-config',
        body: await (await h.fetch('/network-config', { as: '10.252.0.26' })).text(),
        notes: ['eth0 10.252.0.26 (HMN): prefix /24 guessed: no network definitions', 'eth1 10.100.0.26 (HSN): prefix /24 guessed: no network definitions'],
      },
    ])
    expect(body.proposed?.notes).toEqual(['eth1 10.100.0.26 (HSN): prefix /24 guessed: no definition for network HSN'])
    expect(body.proposed?.diff).toContain('-        address: 10.252.0.26/24\n+        address: 10.252.0.26/17\n+        gateway: 10.252.0.1\n')
    expect(h.store.generation()).toBe(generation)
    expect(await read(await postJson(h, '/render', { node: N0, networks: { HMN: { mtu: 9, ipv4: { subnet: '10.0.0.0/8', x: 1 } } } }))).toEqual({
      status: 400,
      type: 'application/json',
      body: JSON.stringify({ error: 'validation failed: unknown fields in networks: [networks.HMN.ipv4.x]', code: 400 }),
    })
    expect(await read(await postJson(h, '/render', { node: N0, networks: { HMN: { mtu: 9 } } }))).toEqual({
      status: 400,
      type: 'application/json',
      body: JSON.stringify({ error: 'validation failed: networks.HMN.mtu must be between 68 and 65535', code: 400 }),
    })
  })

  it('SEC-6: asks the authorize hook as for a Group write, before reading the body', async () => {
    const seen: AdminAccessRequest[] = []
    const h = await quickstart({
      authorize: (request) => {
        seen.push(request)
        if (request.authorization !== 'Bearer admin') throw new MetadataError('FORBIDDEN', 'admin access requires a peer in admin_cidrs')
      },
    })
    expect(await read(await postJson(h, '/render', { node: N0 }))).toEqual({
      status: 403,
      type: 'application/json',
      body: '{"error":"admin access requires a peer in admin_cidrs","code":403}',
    })
    expect((await postJson(h, '/render', { node: N0 }, { Authorization: 'Bearer admin' })).status).toBe(200)
    expect(seen).toEqual([
      { peer: '127.0.0.1', method: 'POST', kind: 'Group', write: true },
      { peer: '127.0.0.1', method: 'POST', kind: 'Group', write: true, authorization: 'Bearer admin' },
    ])
  })

  it('is absent without a preview service', async () => {
    const h = await startHarness()
    expect((await postJson(h, '/render', { node: N0 })).status).toBe(404)
  })
})
