import { describe, expect, it } from 'vitest'
import { MetadataError } from '@metadata-service/core'
import { N0_IP, read, startHarness } from './_harness.js'

describe('/health (SVC-1)', () => {
  it('answers 200 healthy JSON, with HEAD and a trailing slash', async () => {
    const h = await startHarness()
    expect(await read(await h.fetch('/health'))).toEqual({
      status: 200,
      type: 'application/json',
      body: '{"service":"metadata-service","status":"healthy"}',
    })
    expect((await h.fetch('/health/')).status).toBe(200)
    const head = await h.fetch('/health', { method: 'HEAD' })
    expect([head.status, await head.text()]).toEqual([200, ''])
  })

  it('answers 503 with the reason when unhealthy, reading health on every request', async () => {
    let report: { healthy: boolean; reason?: string } = { healthy: false, reason: 'smd initial refresh pending' }
    const h = await startHarness({ health: () => report })
    expect(await read(await h.fetch('/health'))).toEqual({
      status: 503,
      type: 'application/json',
      body: '{"reason":"smd initial refresh pending","service":"metadata-service","status":"unhealthy"}',
    })
    report = { healthy: true }
    expect((await h.fetch('/health')).status).toBe(200)
  })

  it('shows an upstream reason without URL passwords or raw control characters (SPEC §16 Secrets, issue 16)', async () => {
    const reason = 'dynamic TokenSmith auth unhealthy: service token refresh via http://ts:s3cret@ts.local/oauth/token failed\n\u001b[2J'
    const h = await startHarness({ health: () => ({ healthy: false, reason }) })
    const body = (await read(await h.fetch('/health'))).body
    expect(JSON.parse(body)).toEqual({
      reason: 'dynamic TokenSmith auth unhealthy: service token refresh via http://ts:***@ts.local/oauth/token failed\\u000a\\u001b[2J',
      service: 'metadata-service',
      status: 'unhealthy',
    })
  })

  it('answers error bodies that quote a URL without its password', async () => {
    const h = await startHarness({
      wrapNocloud: (real) => ({
        ...real,
        metaData: () => Promise.reject(new MetadataError('TOKEN_UNAVAILABLE', 'bootstrap token exchange via http://ts:s3cret@ts/oauth/token failed')),
      }),
    })
    const answer = await read(await h.fetch('/meta-data', { as: N0_IP }))
    expect(answer).toMatchObject({ status: 503, body: 'bootstrap token exchange via http://ts:***@ts/oauth/token failed\n' })
  })

  it('answers 405 with Allow for POST', async () => {
    const h = await startHarness()
    const res = await h.fetch('/health', { method: 'POST' })
    expect([res.status, res.headers.get('allow')]).toEqual([405, 'HEAD, GET'])
  })
})
