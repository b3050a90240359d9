import { MetadataError, type NoCloudService, type ResourceService } from '@metadata-service/core'
import { describe, expect, it } from 'vitest'
import { N0_IP, gate, heldMetaData, postJson, read, startHarness } from './_harness.js'

describe('headers on every response (SPEC §0, OPS-5)', () => {
  it('sets nosniff and a generated X-Request-ID on successes, errors, 404s and 405s', async () => {
    const h = await startHarness()
    const responses = [
      await h.fetch('/user-data'),
      await h.fetch('/meta-data', { as: '192.168.99.99' }),
      await h.fetch('/groups/group-deadbeef'),
      await h.fetch('/nope'),
      await h.fetch('/meta-data', { method: 'POST' }),
      await h.fetch('/health'),
    ]
    const ids = new Set<string>()
    for (const res of responses) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      const id = res.headers.get('x-request-id') ?? ''
      expect(id).toMatch(/^[A-Za-z0-9._-]{1,128}$/)
      ids.add(id)
    }
    expect(ids.size).toBe(responses.length)
  })

  it('echoes a valid incoming X-Request-ID and replaces an invalid or over-long one', async () => {
    const h = await startHarness()
    const echo = async (id: string) => (await h.fetch('/user-data', { headers: { 'X-Request-ID': id } })).headers.get('x-request-id')
    expect(await echo('abc-123_x.Y')).toBe('abc-123_x.Y')
    expect(await echo('a'.repeat(128))).toBe('a'.repeat(128))
    for (const bad of ['a'.repeat(129), 'has space', 'semi;colon']) {
      const got = await echo(bad)
      expect(got).not.toBe(bad)
      expect(got).toMatch(/^[A-Za-z0-9._-]{1,128}$/)
    }
  })

  it('OPS-5: logs one JSON-able line per request with reqId, method, route, status, ms and client', async () => {
    const observed: unknown[] = []
    const h = await startHarness({ observe: (record) => observed.push(record) })
    await h.fetch('/groups/group-deadbeef', { headers: { 'X-Request-ID': 'req-1' } })
    await h.fetch('/nope', { headers: { 'X-Request-ID': 'req-2' } })
    const lines = h.logger.entries.filter((e) => e.message === 'request')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatchObject({
      level: 'info',
      fields: { reqId: 'req-1', method: 'GET', route: '/groups/:uid', status: 404, client: '127.0.0.1' },
    })
    expect(lines[0]?.fields).not.toHaveProperty('node')
    expect(typeof lines[0]?.fields.ms).toBe('number')
    expect(lines[1]?.fields).toMatchObject({ reqId: 'req-2', route: 'unmatched', status: 404 })
    expect(JSON.parse(JSON.stringify(lines[1]?.fields))).toEqual(lines[1]?.fields)
    expect(observed).toEqual(lines.map((line) => line.fields))
  })
})

describe('unknown paths and methods (OPS-6)', () => {
  it('answers 404 plain "not found" for an unknown path, also under a collection', async () => {
    const h = await startHarness()
    for (const path of ['/nope', '/groups/a/b/c', '/META-DATA', '/.yaml']) {
      expect(await read(await h.fetch(path))).toEqual({ status: 404, type: 'text/plain; charset=utf-8', body: 'not found\n' })
    }
  })

  it('answers 405 with Allow for a known path and a wrong method', async () => {
    const h = await startHarness()
    const plain = await h.fetch('/meta-data', { method: 'POST' })
    expect(plain.headers.get('allow')).toBe('HEAD, GET')
    expect(await read(plain)).toEqual({ status: 405, type: 'text/plain; charset=utf-8', body: 'method not allowed\n' })
    const group = await h.fetch('/compute.yaml', { method: 'DELETE' })
    expect([group.status, group.headers.get('allow')]).toEqual([405, 'HEAD, GET'])
    const collection = await h.fetch('/groups', { method: 'DELETE' })
    expect(collection.headers.get('allow')).toBe('HEAD, GET, POST')
    expect(await read(collection)).toEqual({ status: 405, type: 'application/json', body: '{"error":"method not allowed","code":405}' })
    const status = await h.fetch('/groups/group-1/status', { method: 'GET' })
    expect([status.status, status.headers.get('allow')]).toEqual([405, 'PUT, PATCH'])
  })
})

describe('failures that are not MetadataErrors', () => {
  it('answer 500 "internal error" and log the cause without sending it', async () => {
    const h = await startHarness({
      wrapNocloud: (real) => ({ ...real, metaData: async () => Promise.reject(new TypeError('secret detail')) }),
      wrapResources: (real) => ({ ...real, list: async () => Promise.reject(new Error('disk exploded')) }),
    })
    expect(await read(await h.fetch('/meta-data', { as: N0_IP }))).toEqual({ status: 500, type: 'text/plain; charset=utf-8', body: 'internal error\n' })
    expect(await read(await h.fetch('/groups'))).toEqual({ status: 500, type: 'application/json', body: '{"error":"internal error","code":500}' })
    const errors = h.logger.entries.filter((e) => e.level === 'error').map((e) => String(e.fields.error))
    expect(errors).toHaveLength(2)
    expect(errors[0]).toContain('TypeError: secret detail')
    expect(errors[1]).toContain('disk exploded')
    // An internal error is a bug: its stack goes to the log.
    expect(errors[0]).toMatch(/\n {4}at /)
  })

  it('a 503 MetadataError from the store keeps its message and gets Retry-After', async () => {
    const h = await startHarness({
      wrapResources: (real) => ({
        ...real,
        list: async () => Promise.reject(new MetadataError('STORAGE_FAILED', 'failed to read groups', { cause: new Error('EIO: i/o error, read') })),
      }),
    })
    const res = await h.fetch('/groups')
    expect(res.headers.get('retry-after')).toBe('5')
    expect(await read(res)).toEqual({ status: 503, type: 'application/json', body: '{"error":"failed to read groups","code":503}' })
    const line = h.logger.entries.find((e) => e.message === 'request failed')
    expect(line).toMatchObject({ level: 'warn', fields: { code: 'STORAGE_FAILED' } })
    // SPEC §16 Logs: the messages of the error and its cause, no stack trace in a warn line.
    expect(line?.fields.error).toBe('MetadataError: failed to read groups\ncaused by: Error: EIO: i/o error, read')
  })
})

describe('OPS-2 deadline', () => {
  it('answers 503 "request timed out" with Retry-After, plain on NoCloud and JSON on the resource API', async () => {
    const held = gate()
    const h = await startHarness({
      app: { requestTimeoutMs: 50 },
      wrapNocloud: (real): NoCloudService => ({ ...real, metaData: async (...args) => (await held.wait, real.metaData(...args)) }),
      wrapResources: (real): ResourceService => ({ ...real, list: async (...args) => (await held.wait, real.list(...args)) }),
    })
    const plain = await h.fetch('/meta-data', { as: N0_IP })
    expect(plain.headers.get('retry-after')).toBe('5')
    expect(plain.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await read(plain)).toEqual({ status: 503, type: 'text/plain; charset=utf-8', body: 'request timed out\n' })
    const json = await h.fetch('/groups')
    expect(json.headers.get('retry-after')).toBe('5')
    expect(await read(json)).toEqual({ status: 503, type: 'application/json', body: '{"error":"request timed out","code":503}' })
    // The abandoned handlers finish later without touching the answers already sent.
    held.open()
    expect((await h.fetch('/user-data')).status).toBe(200)
    const lines = h.logger.entries.filter((e) => e.message === 'request').map((e) => [e.fields.route, e.fields.status])
    expect(lines.slice(0, 2)).toEqual([
      ['/meta-data', 503],
      ['/groups', 503],
    ])
  })
})

describe('OPS-3 overload', () => {
  it('refuses a request beyond maxInflight with 503 and Retry-After 1–5, exempts /health, and recovers', async () => {
    const held = heldMetaData()
    const h = await startHarness({
      app: { maxInflight: 1 },
      wrapNocloud: held.wrapNocloud,
    })
    const slow = h.fetch('/meta-data', { as: N0_IP })
    await held.inside
    const plain = await h.fetch('/user-data')
    expect(await read(plain)).toEqual({ status: 503, type: 'text/plain; charset=utf-8', body: 'service overloaded\n' })
    expect(Number(plain.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(Number(plain.headers.get('retry-after'))).toBeLessThanOrEqual(5)
    expect(plain.headers.get('retry-after')).toMatch(/^[1-5]$/)
    expect(await read(await h.fetch('/groups'))).toEqual({ status: 503, type: 'application/json', body: '{"error":"service overloaded","code":503}' })
    expect((await h.fetch('/health')).status).toBe(200)
    held.open()
    expect((await slow).status).toBe(200)
    expect((await h.fetch('/user-data')).status).toBe(200)
  })
})

describe('SEC-6 authorize hook (extension point)', () => {
  it('runs before resource routes with the socket peer; its 401 and 403 answer JSON, 401 with WWW-Authenticate', async () => {
    const seen: unknown[] = []
    const h = await startHarness({
      authorize: (request) => {
        seen.push(request)
        if (request.authorization === undefined) throw new MetadataError('UNAUTHENTICATED', 'missing bearer token')
        if (request.write) throw new MetadataError('FORBIDDEN', 'insufficient scope')
      },
    })
    const anonymous = await h.fetch('/groups', { as: '10.0.0.1' })
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="metadata-service"')
    expect(await read(anonymous)).toEqual({ status: 401, type: 'application/json', body: '{"error":"missing bearer token","code":401}' })
    const auth = { Authorization: 'Bearer t' }
    expect((await h.fetch('/groups', { headers: auth })).status).toBe(200)
    expect(await read(await postJson(h, '/groups', { metadata: { name: 'g' }, spec: {} }, auth))).toEqual({
      status: 403,
      type: 'application/json',
      body: '{"error":"insufficient scope","code":403}',
    })
    expect(seen[0]).toEqual({ peer: '127.0.0.1', method: 'GET', kind: 'Group', write: false })
    expect(seen[2]).toEqual({ peer: '127.0.0.1', method: 'POST', kind: 'Group', write: true, authorization: 'Bearer t' })
    expect(await (await h.fetch('/groups', { headers: auth })).json()).toEqual([])
    // NoCloud routes are open by design (SEC-6).
    expect((await h.fetch('/user-data')).status).toBe(200)
  })
})
