import { describe, expect, it } from 'vitest'
import { N0_IP, postJson, read, startHarness } from './_harness.js'

const SPOOFS: Array<Record<string, string>> = [
  { 'X-Forwarded-For': N0_IP },
  { 'X-Real-IP': N0_IP },
  { Forwarded: `for=${N0_IP}` },
  { 'True-Client-IP': N0_IP },
]

describe('client address from an untrusted peer (ID-2, SEC-1, AT-19)', () => {
  // trusted_proxies [] makes the loopback test client an untrusted peer, standing in for 192.168.1.1.
  it.each(SPOOFS)('ignores %j on every identity route: the peer itself is not a node → 404', async (headers) => {
    const h = await startHarness({ app: { trustedProxies: [] } })
    for (const path of ['/meta-data', '/vendor-data', '/network-config', '/compute.yaml', '/meta-data/']) {
      expect(await read(await h.fetch(path, { headers }))).toEqual({
        status: 404,
        type: 'text/plain; charset=utf-8',
        body: 'node not found\n',
      })
    }
    const line = h.logger.entries.find((e) => e.message === 'request')
    expect(line?.fields.client).toBe('127.0.0.1')
  })

  it('ignores X-Forwarded-Host/Proto from an untrusted peer when building the NC-14 base', async () => {
    const h = await startHarness({ app: { trustedProxies: [] } })
    h.inventory.setNodes([{ xname: 'x9', nid: 9, role: 'compute', groups: ['compute'], interfaces: [], nics: [], componentIp: '127.0.0.1' }])
    expect((await postJson(h, '/groups', { metadata: { name: 'compute' }, spec: { template: '#cloud-config\n' } })).status).toBe(201)
    const res = await h.fetch('/vendor-data', { headers: { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' } })
    expect(await res.text()).toBe(`#include\nhttp://127.0.0.1:${new URL(h.url).port}/compute.yaml\n`)
  })

  it('the peer address itself selects the node when it is one (no headers needed)', async () => {
    const h = await startHarness({ app: { trustedProxies: [] } })
    h.inventory.setNodes([{ xname: 'x9', nid: 9, role: 'compute', groups: [], interfaces: [], nics: [], componentIp: '127.0.0.1' }])
    expect((await read(await h.fetch('/meta-data', { headers: { 'X-Forwarded-For': N0_IP } }))).body).toContain('instance-id: x9\n')
  })
})

describe('forwarding headers from an untrusted peer explain themselves (§16)', () => {
  const WARNING =
    'forwarding headers from 127.0.0.1 ignored: it is not in trusted_proxies, so the connection\'s own address ' +
    'identifies the client; add the proxy\'s address to trusted_proxies if it is one'

  it('logs one warning per peer naming trusted_proxies, on the fast path and through Koa alike', async () => {
    const h = await startHarness({ app: { trustedProxies: [] } })
    // Fast path, Koa (a query string), a resource route: one warning for the one peer.
    await h.fetch('/meta-data', { headers: { 'X-Forwarded-For': N0_IP } })
    await h.fetch('/meta-data?x=1', { headers: { Forwarded: `for=${N0_IP}` } })
    await h.fetch('/groups', { headers: { 'X-Real-IP': N0_IP } })
    const warnings = h.logger.entries.filter((e) => e.level === 'warn')
    expect(warnings).toEqual([{ level: 'warn', message: WARNING, fields: { peer: '127.0.0.1', header: 'x-forwarded-for' } }])
  })

  it('logs nothing for requests without forwarding headers, or from a trusted proxy', async () => {
    const untrusted = await startHarness({ app: { trustedProxies: [] } })
    await untrusted.fetch('/meta-data')
    await untrusted.fetch('/health')
    expect(untrusted.logger.entries.filter((e) => e.level === 'warn')).toEqual([])
    const trusted = await startHarness()
    await trusted.fetch('/meta-data', { headers: { 'X-Forwarded-For': N0_IP } })
    expect(trusted.logger.entries.filter((e) => e.level === 'warn')).toEqual([])
  })
})

describe('client address from a trusted loopback peer (ID-3)', () => {
  it('honours X-Forwarded-For, Forwarded and X-Real-IP', async () => {
    const h = await startHarness()
    for (const headers of SPOOFS.slice(0, 3)) {
      const res = await read(await h.fetch('/meta-data', { headers }))
      expect(res.status).toBe(200)
      expect(res.body).toContain('instance-id: x1000c0s0b0n0\n')
    }
  })

  it('walks X-Forwarded-For right to left past trusted hops (AT-21: an HSN address resolves too)', async () => {
    const h = await startHarness()
    const res = await read(await h.fetch('/meta-data', { headers: { 'X-Forwarded-For': '203.0.113.5, 10.252.0.28, 127.0.0.2' } }))
    expect(res.body).toContain('instance-id: x1000c0s1b0n0\n')
    expect((await read(await h.fetch('/meta-data', { as: '10.100.0.26' }))).body).toContain('instance-id: x1000c0s0b0n0\n')
  })

  it('ignores True-Client-IP and uses the peer when XFF holds a non-IP entry', async () => {
    const h = await startHarness()
    expect((await h.fetch('/meta-data', { headers: { 'True-Client-IP': N0_IP } })).status).toBe(404)
    expect((await h.fetch('/meta-data', { headers: { 'X-Forwarded-For': `junk, ${N0_IP}` } })).status).toBe(404)
  })
})
