import { describe, expect, it } from 'vitest'
import { N0_IP } from './_harness.js'
import { startWireGuardApp, type WireGuardApp } from './_wireguard-app.js'

// SPEC §7 over HTTP: `/wg-init` and `/phone-home/{id}` on core's WireGuard service with a fake device, and the
// WG-12 gate (AT-35, AT-36, AT-38, AT-39, AT-40).

const PLAIN = 'text/plain; charset=utf-8'
const AT36_KEY = '8du8A89mlo7m1r8q4ScfGn6Af8Vx8gfX3E2qhW2C5VQ='
const N1_IP = '10.252.0.27'
const N0 = 'x1000c0s0b0n0'

const wgInit = (h: WireGuardApp, body: string, init: { as?: string; from?: string; type?: string } = {}) =>
  h.request('/wg-init', {
    method: 'POST',
    body,
    ...(init.as === undefined ? {} : { as: init.as }),
    ...(init.from === undefined ? {} : { from: init.from }),
    headers: { 'Content-Type': init.type ?? 'application/json' },
  })
const keyBody = (key: string) => JSON.stringify({ public_key: key })
const plain = (status: number, text: string) => ({ status, type: PLAIN, body: `${text}\n` })
/** Polls `check` every 50 ms for up to 5 s. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 50))
  expect(await check()).toBe(true)
}
const pick = ({ status, type, body }: { status: number; type: string | undefined; body: string }) => ({ status, type, body })

describe('POST /wg-init (WG-4, WG-6)', () => {
  it('answers the four WG-4 400s in order and stores nothing (AT-35)', async () => {
    const h = await startWireGuardApp()
    const answers = []
    for (const body of ['x', '{}', '{"public_key":"not-base64"}', keyBody(Buffer.alloc(16, 7).toString('base64'))]) {
      answers.push(pick(await wgInit(h, body, { as: N0_IP })))
    }
    expect(answers).toEqual([
      plain(400, 'invalid request'),
      plain(400, 'public_key is required'),
      plain(400, 'public_key must be valid base64'),
      plain(400, 'public_key must decode to 32 bytes'),
    ])
    expect(await h.store.list('WireGuardPeer')).toEqual([])
  })

  it('accepts a key twice with the same peer and address, hyphenated keys and the port as a string (AT-36)', async () => {
    const h = await startWireGuardApp()
    const first = await wgInit(h, keyBody(AT36_KEY), { as: N0_IP })
    const second = await wgInit(h, keyBody(AT36_KEY), { as: N0_IP })
    expect(first.status).toBe(202)
    expect(first.type).toBe('application/json')
    const payload = JSON.parse(first.body) as Record<string, string>
    expect(payload).toEqual({
      message: 'WireGuard peer allocation accepted',
      'peer-uid': expect.stringMatching(/^wireguardpeer-[0-9a-f]{16}$/),
      'client-vpn-ip': '100.97.0.2',
      'server-public-key': h.serverPublicKey,
      'server-ip': '100.97.0.1',
      'server-port': '51820',
    })
    expect(second.status).toBe(202)
    expect(JSON.parse(second.body)).toEqual(payload)

    await h.service.idle()
    const peers = await h.store.list('WireGuardPeer')
    expect(peers.map((p) => [p.metadata.uid, p.metadata.name, p.spec.allowed_ip, p.status])).toEqual([
      [payload['peer-uid'], N0, '100.97.0.2/32', { phase: 'Ready', ready: true, message: 'wireguard peer reconciled', version: 'v1' }],
    ])
    expect((await h.tunnel.peers()).map((p) => [p.publicKey, p.allowedIps])).toEqual([[AT36_KEY, ['100.97.0.2/32']]])
  })

  it('parses the body as JSON whatever the Content-Type, and caps it at 1 MiB (SEC-5)', async () => {
    const h = await startWireGuardApp()
    expect((await wgInit(h, keyBody(AT36_KEY), { as: N0_IP, type: 'text/plain' })).status).toBe(202)
    const huge = keyBody('A'.repeat(1024 * 1024))
    expect(pick(await wgInit(h, huge, { as: N0_IP, type: 'application/x-www-form-urlencoded' }))).toEqual(
      plain(413, 'request body too large'),
    )
  })

  it('maps the tunnel address to its node first (ID-4, WG-9)', async () => {
    const h = await startWireGuardApp()
    expect((await wgInit(h, keyBody(AT36_KEY), { as: N0_IP })).status).toBe(202)
    const viaTunnel = await h.request('/meta-data', { as: '100.97.0.2' })
    expect(viaTunnel.status).toBe(200)
    expect(viaTunnel.body).toContain(`instance-id: ${N0}\n`)
    expect(pick(await h.request('/meta-data', { as: '100.97.0.3' }))).toEqual(plain(404, 'node not found'))
  })

  it('answers 500 with the WG-4 text when the pool is full (AT-38)', async () => {
    const h = await startWireGuardApp({ server: '10.0.0.1/30' })
    const first = await wgInit(h, keyBody(AT36_KEY), { as: N0_IP })
    expect(JSON.parse(first.body)).toMatchObject({ 'client-vpn-ip': '10.0.0.2', 'server-ip': '10.0.0.1' })
    const other = Buffer.alloc(32, 9).toString('base64')
    expect(pick(await wgInit(h, keyBody(other), { as: N1_IP }))).toEqual(plain(500, 'failed to allocate WireGuard IP: no available IPs'))
  })

  it('answers 404 node not found to an address that is no known node, allocating nothing (SPEC §16, WG-10)', async () => {
    const h = await startWireGuardApp()
    const answer = await h.request('/wg-init', { method: 'POST', body: keyBody(AT36_KEY), as: '192.0.2.7', headers: { 'X-Request-ID': 'wg-unknown-1' } })
    expect(pick(answer)).toEqual(plain(404, 'node not found'))
    expect(await h.store.list('WireGuardPeer')).toEqual([])
    expect(await h.tunnel.peers()).toEqual([])
    // The use case's own log line carries the request id (OPS-5).
    expect(h.logger.entries).toContainEqual(
      expect.objectContaining({ message: 'wg-init from an address that is no known node; nothing allocated', fields: expect.objectContaining({ reqId: 'wg-unknown-1' }) }),
    )
  })

  it('answers only POST (OPS-6)', async () => {
    const h = await startWireGuardApp()
    const res = await h.request('/wg-init')
    expect(res.status).toBe(405)
  })
})

describe('POST /phone-home/{id} (WG-10 as changed by SPEC §16)', () => {
  it('deletes the peer for its own node and frees its address; repeats and unknown ids answer 200 with an empty body (AT-39)', async () => {
    const h = await startWireGuardApp()
    const uid = (JSON.parse((await wgInit(h, keyBody(AT36_KEY), { as: N0_IP })).body) as Record<string, string>)['peer-uid']
    await h.service.idle()
    const answers = []
    for (const path of [`/phone-home/${uid}`, `/phone-home/${uid}`, '/phone-home/x1000c0s0b0n1']) {
      answers.push(pick(await h.request(path, { method: 'POST', body: 'ignored', as: N0_IP })))
    }
    expect(answers.map((a) => [a.status, a.body])).toEqual([
      [200, ''],
      [200, ''],
      [200, ''],
    ])
    expect(await h.store.list('WireGuardPeer')).toEqual([])
    // The device lets the peer go once the 200 has left (it may travel through that very tunnel): see core's test.
    await eventually(async () => (await h.tunnel.peers()).length === 0)
    const next = await wgInit(h, keyBody(Buffer.alloc(32, 9).toString('base64')), { as: N1_IP })
    expect(JSON.parse(next.body)).toMatchObject({ 'client-vpn-ip': '100.97.0.2' })
  })

  it('is honoured from the peer’s tunnel address, with the request id on its log line', async () => {
    const h = await startWireGuardApp()
    expect((await wgInit(h, keyBody(AT36_KEY), { as: N0_IP })).status).toBe(202)
    const answer = await h.request(`/phone-home/${N0}`, { method: 'POST', as: '100.97.0.2', headers: { 'X-Request-ID': 'ph-1' } })
    expect(answer.status).toBe(200)
    expect(await h.store.list('WireGuardPeer')).toEqual([])
    expect(h.logger.entries.find((e) => e.message === 'WireGuard peer phoned home')?.fields).toMatchObject({ reqId: 'ph-1', name: N0 })
  })

  it('answers 403 to anyone but the owning node, and changes nothing', async () => {
    const h = await startWireGuardApp()
    const uid = (JSON.parse((await wgInit(h, keyBody(AT36_KEY), { as: N0_IP })).body) as Record<string, string>)['peer-uid'] as string
    await h.service.idle()
    const generation = h.store.generation()
    const forbidden = plain(403, 'phone-home refused: only the node that owns this WireGuard peer may phone home for it (from its tunnel address or its own address)')
    // Another node, an address that is no node, loopback itself, another tunnel address.
    for (const [id, as] of [[uid, N1_IP], [N0, N1_IP], [uid, '192.0.2.7'], [uid, undefined], [N0, '100.97.0.3']] as const) {
      const answer = await h.request(`/phone-home/${id}`, { method: 'POST', ...(as === undefined ? {} : { as }) })
      expect(pick(answer), `${id} as ${as}`).toEqual(forbidden)
    }
    expect(h.store.generation()).toBe(generation)
    expect(await h.tunnel.peers()).toHaveLength(1)
  })

  it("falls back to the calling node's peer, found through the client address (ID-5)", async () => {
    const h = await startWireGuardApp()
    expect((await wgInit(h, keyBody(AT36_KEY), { as: N0_IP })).status).toBe(202)
    expect((await h.request('/phone-home/nothing-by-this-name', { method: 'POST', as: N1_IP })).status).toBe(200)
    expect(await h.store.list('WireGuardPeer')).toHaveLength(1)
    expect((await h.request('/phone-home/nothing-by-this-name', { method: 'POST', as: N0_IP })).status).toBe(200)
    expect(await h.store.list('WireGuardPeer')).toEqual([])
  })
})

describe('--wireguard-only (WG-12, SEC-2, AT-40)', () => {
  // 127.0.0.5 plays 100.97.1.5 (inside 100.97.0.1/16), 127.0.0.6 plays 10.0.0.1 (outside).
  const standIns = { '127.0.0.5': '100.97.1.5', '127.0.0.6': '10.0.0.1' }
  const FORBIDDEN = plain(403, 'wireguard-only access required')

  it('serves NoCloud to a tunnel peer and to loopback', async () => {
    const h = await startWireGuardApp({ wireguardOnly: true, standIns })
    const tunnelPeer = await h.request('/meta-data', { from: '127.0.0.5', as: N0_IP })
    expect(tunnelPeer.status).toBe(200)
    expect(tunnelPeer.body).toContain(`instance-id: ${N0}\n`)
    expect((await h.request('/meta-data', { as: N0_IP })).status).toBe(200)
    expect(h.gateAsked).toEqual(['127.0.0.5', '127.0.0.1'])
  })

  it('refuses every NoCloud route and /phone-home to a peer outside the tunnel, whatever it forwards', async () => {
    const h = await startWireGuardApp({ wireguardOnly: true, standIns })
    const paths = ['/meta-data', '/meta-data/', '/user-data', '/vendor-data', '/network-config', '/compute.yaml']
    for (const path of paths) {
      expect(pick(await h.request(path, { from: '127.0.0.6', as: '100.97.0.5' })), path).toEqual(FORBIDDEN)
    }
    expect(pick(await h.request('/phone-home/x1000c0s0b0n0', { method: 'POST', from: '127.0.0.6', as: '100.97.0.5' }))).toEqual(FORBIDDEN)
    // Asked about the socket peer every time, never the forwarded 100.97.0.5.
    expect(new Set(h.gateAsked)).toEqual(new Set(['127.0.0.6']))
    expect(h.gateAsked).toHaveLength(paths.length + 1)
  })

  it('exempts /wg-init, the resource API and the SVC routes; other paths keep their 404', async () => {
    const h = await startWireGuardApp({ wireguardOnly: true, standIns })
    const from = '127.0.0.6'
    const init = await wgInit(h, keyBody(AT36_KEY), { from, as: N0_IP })
    expect(init.status).toBe(202)
    expect((await h.request('/health', { from })).status).toBe(200)
    expect((await h.request('/groups', { from })).status).toBe(200)
    expect(pick(await h.request('/nothing/here', { from }))).toEqual(plain(404, 'not found'))
    expect(h.gateAsked).toEqual([])
  })

  it('lets everyone through while WireGuard is off, and both routes answer 503 wireguard disabled', async () => {
    const h = await startWireGuardApp({ server: undefined, wireguardOnly: true, standIns })
    expect(h.service.enabled()).toBe(false)
    expect((await h.request('/meta-data', { from: '127.0.0.6', as: N0_IP })).status).toBe(200)
    const init = await wgInit(h, keyBody(AT36_KEY), { as: N0_IP })
    const phoneHome = await h.request('/phone-home/x1000c0s0b0n0', { method: 'POST', as: N0_IP })
    for (const res of [init, phoneHome]) {
      expect(pick(res)).toEqual(plain(503, 'wireguard disabled'))
      expect(res.retryAfter).toBe('5')
    }
  })

  it('answers 503 wireguard disabled when the app has no WireGuard at all (WG-1: the routes always exist)', async () => {
    const h = await startWireGuardApp({ wired: false, wireguardOnly: true, standIns })
    expect(pick(await wgInit(h, keyBody(AT36_KEY), { as: N0_IP }))).toEqual(plain(503, 'wireguard disabled'))
    expect(pick(await h.request('/phone-home/x', { method: 'POST' }))).toEqual(plain(503, 'wireguard disabled'))
    expect((await h.request('/meta-data', { from: '127.0.0.6', as: N0_IP })).status).toBe(200)
  })
})
