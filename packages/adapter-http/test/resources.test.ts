import { describe, expect, it } from 'vitest'
import { QUICKSTART_GROUP_COMPUTE, QUICKSTART_GROUP_GREEN } from '@metadata-service/core/testing'
import { postJson, read, startHarness, type Harness } from './_harness.js'

const CD_REQUEST = { metadata: { name: 'test-cluster' }, spec: { base_url: 'http://example.com', cluster_name: 'testcluster' } }

async function json(res: Response): Promise<{ status: number; type: string | null; etag: string | null; body: unknown }> {
  return { status: res.status, type: res.headers.get('content-type'), etag: res.headers.get('etag'), body: await res.json() }
}

function send(h: Harness, method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return h.fetch(path, { method, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) })
}

async function createGroup(h: Harness, name: string, spec: object = {}): Promise<string> {
  const res = await postJson(h, '/groups', { metadata: { name }, spec })
  expect(res.status).toBe(201)
  return ((await res.json()) as { metadata: { uid: string } }).metadata.uid
}

describe('create and read (RES-1..RES-3)', () => {
  it('AT-41: POST /clusterdefaultss answers 201, a v1 envelope, a clusterdefaults- uid and ETag "1"', async () => {
    const h = await startHarness()
    const res = await json(await postJson(h, '/clusterdefaultss', CD_REQUEST))
    expect(res).toMatchObject({ status: 201, type: 'application/json', etag: '"1"' })
    const body = res.body as { apiVersion: string; kind: string; metadata: { uid: string; name: string; resourceVersion: string }; spec: unknown }
    expect(body).toMatchObject({ apiVersion: 'v1', kind: 'ClusterDefaults', metadata: { name: 'test-cluster', resourceVersion: '1' }, spec: CD_REQUEST.spec })
    expect(body.metadata.uid).toMatch(/^clusterdefaults-[0-9a-f]{8}$/)
    const got = await json(await h.fetch(`/clusterdefaultss/${body.metadata.uid}`))
    expect(got).toEqual({ status: 200, type: 'application/json', etag: '"1"', body })
  })

  it.each([
    ['/clusterdefaultss', CD_REQUEST, /^clusterdefaults-[0-9a-f]{8}$/],
    ['/groups', { metadata: { name: 'g' }, spec: {} }, /^group-[0-9a-f]{8}$/],
    ['/instanceinfos', { metadata: { name: 'x1000c0s0b0n0' }, spec: { instance_id: 'i-1' } }, /^instanceinfo-[0-9a-f]{8}$/],
    ['/wireguardpeers', { metadata: { name: 'x1000c0s0b0n0' }, spec: { public_key: '8du8A89mlo7m1r8q4ScfGn6Af8Vx8gfX3E2qhW2C5VQ=', allowed_ip: '100.97.0.2/32' } }, /^wireguardpeer-[0-9a-f]{8}$/],
  ])('RES-1: %s creates, lists, gets and deletes, with a trailing / accepted', async (path, request, uidPattern) => {
    const h = await startHarness()
    const created = await json(await postJson(h, `${path}/`, request))
    expect(created.status).toBe(201)
    const uid = (created.body as { metadata: { uid: string } }).metadata.uid
    expect(uid).toMatch(uidPattern)
    expect(await json(await h.fetch(`${path}/`))).toMatchObject({ status: 200, body: [created.body] })
    expect((await h.fetch(`${path}/${uid}/`)).status).toBe(200)
    const kind = (created.body as { kind: string }).kind
    expect(await json(await h.fetch(`${path}/${uid}`, { method: 'DELETE' }))).toEqual({
      status: 200,
      type: 'application/json',
      etag: null,
      body: { message: `${kind} deleted successfully`, uid },
    })
  })

  it('AT-42 / RES-9: validation failures are 400 JSON with the exact messages, and store nothing', async () => {
    const h = await startHarness()
    const cases: Array<[object, string]> = [
      [{}, 'validation failed: base_url is required; cluster_name is required'],
      [{ ...CD_REQUEST.spec, nid_length: 11 }, 'validation failed: nid_length must be at most 10'],
      [{ ...CD_REQUEST.spec, foo: 1 }, 'validation failed: unknown fields in spec: [foo]'],
      [{ ...CD_REQUEST.spec, description: 'd'.repeat(201) }, 'validation failed: description must be at most 200 characters'],
    ]
    for (const [spec, error] of cases) {
      expect(await json(await postJson(h, '/clusterdefaultss', { metadata: { name: 'c' }, spec }))).toEqual({
        status: 400,
        type: 'application/json',
        etag: null,
        body: { error, code: 400 },
      })
    }
    expect(await (await h.fetch('/clusterdefaultss')).json()).toEqual([])
  })

  it('RES-3: a second resource with a taken name is 409 naming the holder and the update command', async () => {
    const h = await startHarness()
    const uid = await createGroup(h, 'compute')
    expect(await json(await postJson(h, '/groups', { metadata: { name: 'compute' }, spec: {} }))).toMatchObject({
      status: 409,
      body: {
        error: `Group named compute already exists: ${uid}; to change it, update that one: metadata-service group update ${uid} (PUT /groups/${uid})`,
        code: 409,
      },
    })
  })

  it('AT-44: list is [] when empty, an array by createdAt, and ?name= filters exactly', async () => {
    const h = await startHarness()
    expect(await read(await h.fetch('/groups'))).toEqual({ status: 200, type: 'application/json', body: '[]' })
    await postJson(h, '/groups', QUICKSTART_GROUP_COMPUTE)
    await postJson(h, '/groups', QUICKSTART_GROUP_GREEN)
    const all = (await (await h.fetch('/groups')).json()) as Array<{ metadata: { name: string } }>
    expect(all.map((g) => g.metadata.name)).toEqual(['compute', 'green'])
    const filtered = (await (await h.fetch('/groups?name=green')).json()) as Array<{ metadata: { name: string } }>
    expect(filtered.map((g) => g.metadata.name)).toEqual(['green'])
    expect(await (await h.fetch('/groups?name=gree')).json()).toEqual([])
    expect(((await (await h.fetch('/groups?name=')).json()) as unknown[]).length).toBe(2)
  })

  it('AT-44: an unknown uid is 404 with the exact JSON, for GET, PUT, PATCH and DELETE', async () => {
    const h = await startHarness()
    const expected = {
      status: 404,
      type: 'application/json',
      etag: null,
      body: { error: 'Group not found: failed to load Group group-deadbeef: resource not found', code: 404 },
    }
    expect(await json(await h.fetch('/groups/group-deadbeef'))).toEqual(expected)
    expect(await json(await send(h, 'PUT', '/groups/group-deadbeef', { spec: {} }))).toEqual(expected)
    expect(await json(await send(h, 'PATCH', '/groups/group-deadbeef', {}))).toEqual(expected)
    expect(await json(await h.fetch('/groups/group-deadbeef', { method: 'DELETE' }))).toEqual(expected)
  })
})

describe('writes (RES-4..RES-7)', () => {
  it('AT-43: PUT with a stale If-Match is 412 with the exact text, then 200 with rv "2" and its ETag', async () => {
    const h = await startHarness()
    const uid = ((await (await postJson(h, '/clusterdefaultss', CD_REQUEST)).json()) as { metadata: { uid: string } }).metadata.uid
    const spec = { ...CD_REQUEST.spec, region: 'lab' }
    expect(await json(await send(h, 'PUT', `/clusterdefaultss/${uid}`, { spec }, { 'If-Match': '"7"' }))).toEqual({
      status: 412,
      type: 'application/json',
      etag: null,
      body: { error: 'precondition failed: current resourceVersion is 1', code: 412 },
    })
    const ok = await json(await send(h, 'PUT', `/clusterdefaultss/${uid}`, { spec }, { 'If-Match': '"1"' }))
    expect(ok).toMatchObject({ status: 200, etag: '"2"', body: { metadata: { resourceVersion: '2' }, spec } })
    expect(await json(await h.fetch(`/clusterdefaultss/${uid}`, { method: 'DELETE', headers: { 'If-Match': '1' } }))).toMatchObject({
      status: 412,
      body: { error: 'precondition failed: current resourceVersion is 2', code: 412 },
    })
  })

  it('AT-43: PATCH by merge, JSON Patch and shorthand (chosen by Content-Type); a failing test is 422', async () => {
    const h = await startHarness()
    const uid = await createGroup(h, 'green', { description: 'Green nodes', metaData: { color: 'green' } })
    const patch = (body: unknown, type: string) => h.fetch(`/groups/${uid}`, { method: 'PATCH', headers: { 'Content-Type': type }, body: JSON.stringify(body) })
    const merged = await json(await patch({ metaData: { size: 'xl' } }, 'application/merge-patch+json'))
    expect(merged).toMatchObject({ status: 200, etag: '"2"', body: { spec: { metaData: { color: 'green', size: 'xl' } } } })
    const ops = [{ op: 'replace', path: '/metaData/color', value: 'blue' }]
    expect(await json(await patch(ops, 'application/json-patch+json'))).toMatchObject({ status: 200, body: { spec: { metaData: { color: 'blue' } } } })
    const short = await json(await patch({ 'metaData.size': null, description: 'Blue' }, 'application/shorthand-patch+json; charset=utf-8'))
    expect(short).toMatchObject({ status: 200, etag: '"4"', body: { spec: { description: 'Blue', metaData: { color: 'blue' } } } })
    expect((short.body as { spec: { metaData: object } }).spec.metaData).toEqual({ color: 'blue' })
    const failed = await json(await patch([{ op: 'test', path: '/description', value: 'nope' }], 'application/json-patch+json'))
    expect(failed.status).toBe(422)
    expect((failed.body as { error: string; code: number }).error).toMatch(/^failed to apply patch to spec: /)
    expect((failed.body as { code: number }).code).toBe(422)
    expect(await json(await h.fetch(`/groups/${uid}`))).toMatchObject({ etag: '"4"' })
  })

  it('RES-7: PUT and PATCH /status write the status only', async () => {
    const h = await startHarness()
    const uid = ((await (await postJson(h, '/clusterdefaultss', CD_REQUEST)).json()) as { metadata: { uid: string } }).metadata.uid
    const put = await json(await send(h, 'PUT', `/clusterdefaultss/${uid}/status`, { status: { phase: 'Ready', message: 'ok', ready: true } }))
    expect(put).toMatchObject({ status: 200, etag: '"2"', body: { status: { phase: 'Ready', message: 'ok', ready: true }, spec: CD_REQUEST.spec } })
    const patched = await json(await send(h, 'PATCH', `/clusterdefaultss/${uid}/status`, { message: 'later' }))
    expect(patched).toMatchObject({ status: 200, etag: '"3"', body: { status: { phase: 'Ready', message: 'later', ready: true } } })
    const bad = await json(await send(h, 'PATCH', `/clusterdefaultss/${uid}/status`, { bogus: 1 }))
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ code: 400 })
    expect((await json(await h.fetch(`/clusterdefaultss/${uid}/status`, { method: 'PUT', body: '{}', headers: { 'Content-Type': 'text/plain' } }))).status).toBe(415)
  })

  it('RES-1 table: PUT 400/409/412, PATCH 400/412, status 404/412 answer JSON and change nothing', async () => {
    const h = await startHarness()
    await createGroup(h, 'taken')
    const uid = await createGroup(h, 'g', { description: 'kept' })
    const expectError = async (res: Response, status: number, error: string | RegExp) => {
      const got = await json(res)
      expect(got.status).toBe(status)
      expect(got.type).toBe('application/json')
      expect((got.body as { code: number }).code).toBe(status)
      expect((got.body as { error: string }).error).toMatch(error)
    }
    await expectError(await send(h, 'PUT', `/groups/${uid}`, { spec: { description: 7 } }), 400, /^validation failed: description must be a string$/)
    await expectError(await send(h, 'PUT', `/groups/${uid}`, { metadata: { name: 'taken' }, spec: {} }), 409, /^Group named taken already exists: group-/)
    await expectError(await send(h, 'PUT', `/groups/${uid}`, { spec: {} }, { 'If-Match': '"2"' }), 412, 'precondition failed: current resourceVersion is 1')
    await expectError(await send(h, 'PATCH', `/groups/${uid}`, { metaData: 'x' }), 400, /^validation failed: metaData must be an object$/)
    await expectError(await send(h, 'PATCH', `/groups/${uid}`, {}, { 'If-Match': '3' }), 412, 'precondition failed: current resourceVersion is 1')
    await expectError(await send(h, 'PATCH', '/groups/group-deadbeef/status', {}), 404, 'Group not found: failed to load Group group-deadbeef: resource not found')
    await expectError(await send(h, 'PUT', `/groups/${uid}/status`, {}, { 'If-Match': '9' }), 412, 'precondition failed: current resourceVersion is 1')
    expect(await json(await h.fetch(`/groups/${uid}`))).toMatchObject({ etag: '"1"', body: { metadata: { name: 'g' }, spec: { description: 'kept' } } })
  })

  it('AT-45: template validation answers 400 with the exact text and stores nothing; valid ones are 201', async () => {
    const h = await startHarness()
    const create = (template: string, metaData?: Record<string, string>) =>
      postJson(h, '/groups', { metadata: { name: 'g' }, spec: { template, ...(metaData ? { metaData } : {}) } })
    expect(await json(await create('{{ missing_value }}'))).toMatchObject({
      status: 400,
      body: { error: 'validation failed: missing required variables: [missing_value]', code: 400 },
    })
    const yamlBad = await json(await create('bad: [{{ hostname }}'))
    expect(yamlBad.status).toBe(400)
    expect((yamlBad.body as { error: string }).error).toMatch(/^validation failed: template YAML invalid after rendering: /)
    expect((await create('{{> p}}')).status).toBe(400)
    expect(await (await h.fetch('/groups')).json()).toEqual([])
    expect((await create('{{ scheduler }}', { scheduler: 'slurm' })).status).toBe(201)
  })

  it('AT-46: eleven template updates keep ten history entries; repeating the last one replaces its entry', async () => {
    const h = await startHarness()
    const uid = await createGroup(h, 'g', { template: '#cloud-config\nv: 0\n' })
    let last: { status: { templateHistory: Array<{ version: string }>; currentTemplateVersion: string } } | undefined
    for (let i = 1; i <= 11; i++) {
      const res = await send(h, 'PUT', `/groups/${uid}`, { spec: { template: `#cloud-config\nv: ${i}\n` } })
      expect(res.status).toBe(200)
      last = (await res.json()) as typeof last
    }
    expect(last?.status.currentTemplateVersion).toMatch(/^v-[0-9a-f]{8}$/)
    expect(last?.status.templateHistory).toHaveLength(10)
    const again = (await (await send(h, 'PUT', `/groups/${uid}`, { spec: { template: '#cloud-config\nv: 11\n' } })).json()) as NonNullable<typeof last>
    expect(again.status.templateHistory.map((e) => e.version)).toEqual(last?.status.templateHistory.map((e) => e.version))
  })
})

describe('request bodies and negotiation (RES-8, SEC-5)', () => {
  it('AT-44: a 2 MiB body is 413 "request body too large", with or without Content-Length', async () => {
    const h = await startHarness()
    const big = JSON.stringify({ metadata: { name: 'big' }, spec: { description: 'x'.repeat(2 * 1024 * 1024) } })
    expect(await json(await postJson(h, '/groups', JSON.parse(big)))).toEqual({
      status: 413,
      type: 'application/json',
      etag: null,
      body: { error: 'request body too large', code: 413 },
    })
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        const chunk = new TextEncoder().encode('x'.repeat(64 * 1024))
        for (let i = 0; i < 32; i++) controller.enqueue(chunk)
        controller.close()
      },
    })
    const streamed = await h.fetch('/groups', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: chunks, duplex: 'half' } as RequestInit)
    expect(await json(streamed)).toMatchObject({ status: 413, body: { error: 'request body too large', code: 413 } })
    expect(await (await h.fetch('/groups')).json()).toEqual([])
  })

  it('AT-44: body "{" is 400 "invalid request body: …"', async () => {
    const h = await startHarness()
    const res = await json(await h.fetch('/groups', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' }))
    expect(res.status).toBe(400)
    expect((res.body as { error: string }).error).toMatch(/^invalid request body: .+/)
    expect(res.body).toMatchObject({ code: 400 })
  })

  it('AT-44: apiVersion "v2" in the body is 406 with the exact JSON', async () => {
    const h = await startHarness()
    expect(await read(await postJson(h, '/groups', { apiVersion: 'v2', metadata: { name: 'g' }, spec: {} }))).toEqual({
      status: 406,
      type: 'application/json',
      body: '{"error":"Unsupported version","code":406,"requested":"v2","supported":["v1"]}',
    })
  })

  it('RES-8: Accept …;version=v2 is 406 on resource routes only; version=v1 is fine', async () => {
    const h = await startHarness()
    expect(await read(await h.fetch('/groups', { headers: { Accept: 'application/json;version=v2' } }))).toEqual({
      status: 406,
      type: 'application/json',
      body: '{"error":"Unsupported version","code":406,"requested":"v2","supported":["v1"]}',
    })
    expect((await h.fetch('/groups', { headers: { Accept: 'application/json; version=v1' } })).status).toBe(200)
    expect((await h.fetch('/user-data', { headers: { Accept: 'text/plain;version=v2' } })).status).toBe(200)
  })

  it('RES-8: POST and PUT with a non-JSON type are 415 naming the type without parameters', async () => {
    const h = await startHarness()
    const body = JSON.stringify({ metadata: { name: 'g' }, spec: {} })
    expect(await read(await h.fetch('/groups', { method: 'POST', headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body }))).toEqual({
      status: 415,
      type: 'application/json',
      body: '{"error":"unsupported media type: text/plain; send Content-Type: application/json","code":415}',
    })
    const uid = await createGroup(h, 'g2')
    expect((await h.fetch(`/groups/${uid}`, { method: 'PUT', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body })).status).toBe(415)
    // Any +json type is JSON.
    expect((await h.fetch('/groups', { method: 'POST', headers: { 'Content-Type': 'application/vnd.x+json' }, body })).status).toBe(201)
  })
})
