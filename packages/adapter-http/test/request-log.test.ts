import { MOCK_NODE_FIXTURES } from '@metadata-service/core/testing'
import { describe, expect, it } from 'vitest'
import { N0_IP, startHarness } from './_harness.js'

// OPS-5 audit trail: one `request` line per document fetch naming the node, the document and the status, and the
// request id on every line the HTTP layer writes for that request.

describe('request log (OPS-5)', () => {
  it('names the document, the node and the status of every NoCloud fetch', async () => {
    const h = await startHarness()
    await h.fetch('/compute.yaml', { as: N0_IP, headers: { 'X-Request-ID': 'audit-1' } })
    await h.fetch('/meta-data/', { as: '192.168.99.99', headers: { 'X-Request-ID': 'audit-2' } })
    await h.fetch('/groups', { headers: { 'X-Request-ID': 'audit-3' } })
    const lines = h.logger.entries.filter((e) => e.message === 'request').map((e) => e.fields)
    expect(lines[0]).toMatchObject({ reqId: 'audit-1', route: '/:group.yaml', document: 'compute.yaml', node: 'x1000c0s0b0n0', status: 200, client: N0_IP })
    expect(lines[1]).toMatchObject({ reqId: 'audit-2', route: '/meta-data', document: 'meta-data', status: 404, client: '192.168.99.99' })
    expect(lines[1]).not.toHaveProperty('node')
    expect(lines[2]).toMatchObject({ reqId: 'audit-3', route: '/groups', status: 200 })
    expect(lines[2]).not.toHaveProperty('document')
  })

  it('puts the request id on the NC-17 degraded line that core logs while answering', async () => {
    const h = await startHarness()
    h.inventory.setNodes([{ ...MOCK_NODE_FIXTURES[0]!, groups: undefined }])
    const res = await h.fetch('/vendor-data', { as: N0_IP, headers: { 'X-Request-ID': 'degraded-1' } })
    expect(await res.text()).toBe('#include\n')
    expect(h.logger.entries.filter((e) => e.fields?.reqId === 'degraded-1').map((e) => [e.level, e.message])).toEqual([
      ['warn', 'degraded response'],
      ['info', 'request'],
    ])
  })

  it('puts the request id on the failure line too', async () => {
    const h = await startHarness({
      wrapNocloud: (real) => ({ ...real, metaData: () => Promise.reject(new Error('boom')) }),
    })
    const res = await h.fetch('/meta-data', { as: N0_IP })
    expect(res.status).toBe(500)
    const reqId = res.headers.get('x-request-id')
    const lines = h.logger.entries.filter((e) => e.fields?.reqId === reqId).map((e) => e.message)
    expect(lines).toEqual(['request failed', 'request'])
  })
})
