import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MetadataError } from '@metadata-service/core'
import { createFakeTokenSource, createRecordingLogger } from '@metadata-service/core/testing'
import { createSmdClient, createStaticTokenSource, endpointNics, membershipLabels, normalizeSmdBaseUrl } from '../src/index.js'
import { generateFakeNodes, startFakeSmd, type FakeSmd } from '../src/testing/index.js'

const servers: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function fake(options: Parameters<typeof startFakeSmd>[0] = {}): Promise<FakeSmd> {
  const smd = await startFakeSmd({ nodes: generateFakeNodes(3), ...options })
  servers.push(smd)
  return smd
}

const caught = async (p: Promise<unknown>): Promise<MetadataError> => {
  try {
    await p
  } catch (err) {
    if (err instanceof MetadataError) return err
    throw err
  }
  throw new Error('expected a rejection')
}

describe('normalizeSmdBaseUrl (SMD-2)', () => {
  it.each([
    ['http://smd:27779', 'http://smd:27779/hsm/v2'],
    ['http://smd:27779/', 'http://smd:27779/hsm/v2'],
    ['https://gw/apis/smd/', 'https://gw/apis/smd/hsm/v2'],
    ['https://gw/apis/smd/hsm/v2/', 'https://gw/apis/smd/hsm/v2'],
    ['https://gw/apis/smd/hsm/v2', 'https://gw/apis/smd/hsm/v2'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeSmdBaseUrl(input)).toBe(expected)
  })
})

describe('createSmdClient', () => {
  it.each([
    ['a bare SMD URL', '', (u: string) => u],
    ['a gateway URL with a trailing slash', '/apis/smd', (u: string) => `${u}/`],
    ['a URL that already ends in /hsm/v2', '/apis/smd', (u: string) => `${u}/hsm/v2/`],
  ])('syncs through %s with one call per bulk path (SMD-2, SMD-4)', async (_name, prefix, toUrl) => {
    const smd = await fake({ prefix })
    const client = createSmdClient({ baseUrl: toUrl(smd.url), tokenSource: createStaticTokenSource(), userAgentVersion: '1.2.3' })
    const bulk = await client.bulk()
    expect(bulk.components.map((c) => c.ID)).toEqual(['x1000c0s0b0n0', 'x1000c0s0b0n1', 'x1000c0s0b0n2'])
    expect(bulk.interfaces).toHaveLength(6)
    expect(bulk.memberships?.map(membershipLabels)).toEqual([
      ['compute', 'rack0'],
      ['compute', 'rack0'],
      ['compute', 'rack0'],
    ])
    expect(bulk.endpoints.map((e) => endpointNics(e).length)).toEqual([2, 2, 2])
    expect(smd.requests.map((r) => r.path).sort()).toEqual([
      '/hsm/v2/Inventory/ComponentEndpoints',
      '/hsm/v2/Inventory/EthernetInterfaces',
      '/hsm/v2/State/Components',
      '/hsm/v2/memberships',
    ])
  })

  it('sends Accept, User-Agent and the bearer token on every request (SMD-3, TOK-2)', async () => {
    const smd = await fake({ tokens: ['static-jwt'] })
    const client = createSmdClient({
      baseUrl: smd.url,
      tokenSource: createStaticTokenSource({ jwt: '  static-jwt \n', token: 'x' }),
      userAgentVersion: '1.2.3',
    })
    await client.bulk()
    expect(smd.requests).toHaveLength(4)
    for (const r of smd.requests) {
      expect(r).toMatchObject({ accept: 'application/json', userAgent: 'metadata-service/1.2.3', authorization: 'Bearer static-jwt' })
    }
  })

  it('sends the credentials of an SMD URL as Basic auth when it has no token, as the Go client did (SPEC §16 drop-in)', async () => {
    const smd = await fake()
    const baseUrl = smd.url.replace('http://', 'http://smd%40ops:p%3As%20s@')
    await createSmdClient({ baseUrl, tokenSource: createStaticTokenSource({ jwt: '', token: '' }), userAgentVersion: '1' }).bulk()
    expect(smd.requests).toHaveLength(4)
    expect(new Set(smd.requests.map((r) => r.authorization))).toEqual(new Set([`Basic ${Buffer.from('smd@ops:p:s s').toString('base64')}`]))
  })

  it('sends the bearer token, not the URL credentials, when there is one (TOK-2), as the Go client did', async () => {
    const smd = await fake({ tokens: ['static-jwt'] })
    const baseUrl = smd.url.replace('http://', 'http://smd:pw@')
    await createSmdClient({ baseUrl, tokenSource: createStaticTokenSource({ jwt: 'static-jwt' }), userAgentVersion: '1' }).bulk()
    expect(new Set(smd.requests.map((r) => r.authorization))).toEqual(new Set(['Bearer static-jwt']))
  })

  it('uses SMD_TOKEN when SMD_JWT is empty, and no header when both are (TOK-2, AT-29)', async () => {
    const smd = await fake()
    await createSmdClient({ baseUrl: smd.url, tokenSource: createStaticTokenSource({ jwt: ' ', token: 't' }), userAgentVersion: '1' }).componentIdForIp('10.252.0.1')
    await createSmdClient({ baseUrl: smd.url, tokenSource: createStaticTokenSource({ jwt: '', token: '' }), userAgentVersion: '1' }).componentIdForIp('10.252.0.1')
    expect(smd.requests.map((r) => r.authorization)).toEqual(['Bearer t', undefined])
  })

  it('fails protected routes without the token and logs the static 401 (SMD-13)', async () => {
    const smd = await fake({ tokens: ['good'] })
    const logger = createRecordingLogger()
    const client = createSmdClient({ baseUrl: smd.url, tokenSource: createStaticTokenSource({ jwt: 'bad' }), userAgentVersion: '1', logger })
    const err = await caught(client.bulk())
    expect(err.code).toBe('INVENTORY_UNAVAILABLE')
    expect(err.message).toBe('smd request failed: status 401: invalid or missing token')
    expect(logger.entries.map((e) => e.message)).toContain('SMD rejected the static token (401)')
    // No retry in static mode: each path was asked once (the bulk calls run concurrently, so wait for all four).
    await vi.waitFor(() => expect(smd.calls()).toBe(4))
    expect([smd.calls('memberships'), smd.calls('endpoints')]).toEqual([1, 1])
  })

  it('refreshes once and retries once on a 401 in dynamic mode (SMD-13, AT-30)', async () => {
    const smd = await fake()
    const tokens = createFakeTokenSource({ mode: 'bootstrap', tokens: ['old', 'new', 'newer'] })
    const client = createSmdClient({ baseUrl: smd.url, tokenSource: tokens, userAgentVersion: '1' })
    smd.inject('component', { status: 401, body: '{"detail":"token expired"}' }, 1)
    expect((await client.nodeRecords('x1000c0s0b0n0'))?.components[0]?.ID).toBe('x1000c0s0b0n0')
    expect(tokens.calls.refreshAfterRejection).toBe(1)
    expect(smd.requests.filter((r) => r.route === 'component').map((r) => r.authorization)).toEqual(['Bearer old', 'Bearer new'])

    smd.inject('component', { status: 401, body: '{"detail":"token expired"}' }, 2)
    const err = await caught(client.nodeRecords('x1000c0s0b0n0'))
    expect(err.message).toBe('smd request failed: status 401: token expired')
    expect(smd.calls('component')).toBe(4) // two more: the first try and the one retry, never a third
    expect(tokens.calls.refreshAfterRejection).toBe(2)
  })

  it('fails closed when the token source is unhealthy, without calling SMD (TOK-9)', async () => {
    const smd = await fake()
    const tokens = createFakeTokenSource({ mode: 'mtls' })
    tokens.setUnhealthy('service token refresh via x failed after 5 attempts: y')
    const client = createSmdClient({ baseUrl: smd.url, tokenSource: tokens, userAgentVersion: '1' })
    const err = await caught(client.bulk())
    expect(err.code).toBe('TOKEN_UNAVAILABLE')
    expect(err.message).toBe('dynamic TokenSmith auth unhealthy: service token refresh via x failed after 5 attempts: y')
    expect(smd.calls()).toBe(0)
  })

  it('reports non-2xx answers with the problem detail, else the trimmed body cut at 200 chars (SMD-6)', async () => {
    const smd = await fake()
    const client = createSmdClient({ baseUrl: smd.url, tokenSource: createStaticTokenSource(), userAgentVersion: '1' })
    smd.inject('components', { status: 500, contentType: 'application/problem+json', body: '{"type":"about:blank","detail":"database is down","status":500}' }, 1)
    expect((await caught(client.bulk())).message).toBe('smd request failed: status 500: database is down')
    smd.inject('components', { status: 502, contentType: 'text/html', body: `  \n${'x'.repeat(300)}\n` }, 1)
    expect((await caught(client.bulk())).message).toBe(`smd request failed: status 502: ${'x'.repeat(200)}`)
    smd.inject('components', { status: 503, body: '' }, 1)
    expect((await caught(client.bulk())).message).toBe('smd request failed: status 503: Service Unavailable')
  })

  it('reads a single-item 404 as absent (SMD-6)', async () => {
    const smd = await fake()
    const client = createSmdClient({ baseUrl: smd.url, tokenSource: createStaticTokenSource(), userAgentVersion: '1' })
    expect(await client.nodeRecords('x9999c0s0b0n0')).toBeUndefined()
    // A known component whose membership and endpoint are missing: no groups, no NICs.
    smd.data.memberships.splice(0, 1)
    smd.data.endpoints.splice(0, 1)
    const records = await client.nodeRecords('x1000c0s0b0n0')
    expect(records?.memberships).toEqual([])
    expect(records?.endpoints).toEqual([])
    expect(records?.interfaces.map((i) => i.ComponentID)).toEqual(['x1000c0s0b0n0', 'x1000c0s0b0n0'])
  })

  it('serves a node with unknown groups when its memberships are unreadable (NC-17)', async () => {
    const smd = await fake()
    const logger = createRecordingLogger()
    const client = createSmdClient({ baseUrl: smd.url, tokenSource: createStaticTokenSource(), userAgentVersion: '1', logger })
    smd.inject('membership', { status: 500, body: 'boom' }, 1)
    const records = await client.nodeRecords('x1000c0s0b0n1')
    expect(records?.memberships).toBeUndefined()
    expect(records?.components.map((c) => c.ID)).toEqual(['x1000c0s0b0n1'])
    expect(logger.entries[0]?.message).toBe('SMD memberships unreadable; serving the node without groups')
  })

  it('asks with IPAddress= and accepts only an entry holding exactly the IP (SMD-4, SMD-6, AT-23)', async () => {
    const smd = await fake({ ignoreIpAddressFilter: true })
    const client = createSmdClient({ baseUrl: smd.url, tokenSource: createStaticTokenSource(), userAgentVersion: '1' })
    expect(await client.componentIdForIp('10.100.0.3')).toBe('x1000c0s0b0n2')
    expect(smd.requests[0]?.path).toBe('/hsm/v2/Inventory/EthernetInterfaces?IPAddress=10.100.0.3')
    // The server returned every interface; none holds this IP exactly.
    const err = await caught(client.componentIdForIp('10.100.0.30'))
    expect(err.code).toBe('NODE_NOT_FOUND')
    expect(err.message).toBe('no component found for IP 10.100.0.30')
  })

  it.each([
    ['an empty 200', { status: 200, body: '' }],
    ['a 204', { status: 204 }],
    ['a blank body', { status: 200, body: '  ' }],
    ['[]', { status: 200, body: '[]' }],
    ['null', { status: 200, body: 'null' }],
  ])('reads %s from the IP lookup as not found, never a JSON error (SMD-6, AT-23)', async (_name, reply) => {
    const smd = await fake()
    const client = createSmdClient({ baseUrl: smd.url, tokenSource: createStaticTokenSource(), userAgentVersion: '1' })
    smd.inject('interfacesByIp', reply)
    const err = await caught(client.componentIdForIp('10.252.0.1'))
    expect([err.code, err.message]).toEqual(['NODE_NOT_FOUND', 'no component found for IP 10.252.0.1'])
  })

  it('reports a body that is not JSON, and a payload of the wrong shape', async () => {
    const smd = await fake()
    const client = createSmdClient({ baseUrl: smd.url, tokenSource: createStaticTokenSource(), userAgentVersion: '1' })
    smd.inject('components', { status: 200, body: '<html>' }, 1)
    const bad = await caught(client.bulk())
    expect(bad.code).toBe('INVENTORY_UNAVAILABLE')
    expect(bad.message).toMatch(/^invalid SMD response from \/State\/Components: /)
    await vi.waitFor(() => expect(smd.calls()).toBe(4))
    smd.inject('interfaces', { status: 200, body: '{"EthernetInterfaces":[]}' }, 1)
    expect((await caught(client.bulk())).message).toMatch(/^invalid SMD EthernetInterfaces response: /)
  })

  it('gives up at the deadline (SMD-3, SEC-5)', async () => {
    const smd = await fake()
    const client = createSmdClient({ baseUrl: smd.url, tokenSource: createStaticTokenSource(), userAgentVersion: '1', timeoutMs: 150 })
    smd.inject('interfacesByIp', { delayMs: 2_000 }, 1)
    const err = await caught(client.componentIdForIp('10.252.0.1'))
    expect([err.code, err.message]).toEqual(['INVENTORY_UNAVAILABLE', 'smd request failed: timeout after 150 ms'])
  })

  it('does not follow redirects (SMD-3, SEC-5)', async () => {
    const target = await fake()
    const redirector = createServer((req, res) => {
      res.writeHead(302, { location: `${target.url}${req.url}` })
      res.end()
    })
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve))
    servers.push({ close: () => new Promise((resolve) => redirector.close(() => resolve())) })
    const { port } = redirector.address() as AddressInfo
    const client = createSmdClient({ baseUrl: `http://127.0.0.1:${port}`, tokenSource: createStaticTokenSource(), userAgentVersion: '1' })
    const err = await caught(client.componentIdForIp('10.252.0.1'))
    expect(err.message).toBe('smd request failed: status 302: Found')
    expect(target.calls()).toBe(0)
  })

  it('reports an unreachable SMD', async () => {
    const client = createSmdClient({ baseUrl: 'http://127.0.0.1:1', tokenSource: createStaticTokenSource(), userAgentVersion: '1' })
    const err = await caught(client.componentIdForIp('10.252.0.1'))
    expect(err.code).toBe('INVENTORY_UNAVAILABLE')
    expect(err.message).toMatch(/^smd request failed: .*ECONNREFUSED/)
  })
})
