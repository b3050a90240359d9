import { describe, expect, it } from 'vitest'
import { read, startHarness } from './_harness.js'

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

  it('answers 405 with Allow for POST', async () => {
    const h = await startHarness()
    const res = await h.fetch('/health', { method: 'POST' })
    expect([res.status, res.headers.get('allow')]).toEqual([405, 'HEAD, GET'])
  })
})
