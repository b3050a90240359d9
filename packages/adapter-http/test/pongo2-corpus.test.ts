import { CORPUS_SECOND_KEY, QUICKSTART_CLUSTER_DEFAULTS, pongo2Corpus } from '@metadata-service/core/testing'
import { describe, expect, it } from 'vitest'
import { N0_IP, postJson, read, startHarness } from './_harness.js'

const corpus = pongo2Corpus()

/**
 * Issue 13 "Must show": the Pongo2 corpus through the real HTTP stack on a real listener. Each template is written
 * with POST /groups (so it is validated there, TPL-4), its status must name the Pongo2 engine, and mock n0 must
 * get the expected /compute.yaml.
 */
describe('the Pongo2 corpus over HTTP (SPEC §16 TPL-1/TPL-2)', () => {
  it(`writes, validates and serves all ${corpus.length} cases for mock n0`, async () => {
    const h = await startHarness()
    expect((await postJson(h, '/clusterdefaultss', QUICKSTART_CLUSTER_DEFAULTS)).status).toBe(201)
    const info = { metadata: { name: 'x1000c0s0b0n0' }, spec: { instance_id: 'x1000c0s0b0n0', public_keys: [CORPUS_SECOND_KEY] } }
    expect((await postJson(h, '/instanceinfos', info)).status).toBe(201)
    const failures: string[] = []
    for (const c of corpus) {
      const spec = { description: 'Compute nodes', template: c.template, ...(c.metaData === undefined ? {} : { metaData: c.metaData }) }
      const created = await postJson(h, '/groups', { metadata: { name: 'compute' }, spec })
      const group = (await created.json()) as { metadata: { uid: string }; status: { engine: string; warnings: unknown[] } }
      if (created.status !== 201) {
        failures.push(`${c.name}: POST answered ${created.status} ${JSON.stringify(group)}`)
        continue
      }
      const document = await read(await h.fetch('/compute.yaml', { as: N0_IP }))
      if (group.status.engine !== 'pongo2' || group.status.warnings.length > 0) failures.push(`${c.name}: status ${JSON.stringify(group.status)}`)
      if (document.status !== 200 || document.body !== c.expected) failures.push(`${c.name}: ${document.status} ${JSON.stringify(document.body)}`)
      expect((await h.fetch(`/groups/${group.metadata.uid}`, { method: 'DELETE' })).status).toBe(200)
    }
    expect(failures).toEqual([])
  })

  it('a Group sent base64-encoded is stored and served decoded', async () => {
    const h = await startHarness()
    const template = corpus[0]!.template
    const created = await postJson(h, '/groups', { metadata: { name: 'compute' }, spec: { template: Buffer.from(template).toString('base64'), templateEncoding: 'base64' } })
    expect(created.status).toBe(201)
    expect(((await created.json()) as { spec: unknown }).spec).toEqual({ template })
    expect((await read(await h.fetch('/compute.yaml', { as: N0_IP }))).status).toBe(200)
    const bad = await postJson(h, '/groups', { metadata: { name: 'other' }, spec: { template: '*', templateEncoding: 'base64' } })
    expect(await read(bad)).toMatchObject({
      status: 400,
      body: '{"error":"validation failed: template is not valid base64 (templateEncoding is base64)","code":400}',
    })
  })
})
