import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { isMetadataError } from '@metadata-service/core'
import { createFixedClock, createRecordingLogger } from '@metadata-service/core/testing'
import { createSmdClient, createSmdInventory, createTokenSmithSource, selectTokenMode, type TokenSmithSourceOptions } from '../src/index.js'
import { TOKENSMITH_MAX_RESPONSE_BYTES } from '../src/tokensmith-client.js'
import { createTestPki, generateFakeNodes, startFakeSmd, startFakeTokenSmith, type FakeTokenSmith, type TestPki } from '../src/testing/index.js'
import { closeAfterTest } from './_setup.js'

const FORM = 'application/x-www-form-urlencoded'

/** A source on `ft` whose backoff sleeps are recorded instead of waited. */
function source(ft: FakeTokenSmith, options: Partial<TokenSmithSourceOptions> = {}) {
  const sleeps: number[] = []
  const src = closeAfterTest(
    createTokenSmithSource({
      url: ft.url,
      mode: 'bootstrap',
      bootstrapToken: 'bootstrap-token',
      sleep: async (ms) => {
        sleeps.push(ms)
      },
      ...options,
    }),
  )
  return { src, sleeps }
}

const fakeTokenSmith = async (options: Parameters<typeof startFakeTokenSmith>[0] = {}) =>
  closeAfterTest(await startFakeTokenSmith(options))

const rejection = async (p: Promise<unknown>): Promise<Error> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(err instanceof Error)) throw new Error('expected a rejection')
  return err
}

describe('bootstrap mode (TOK-4, TOK-5, TOK-6)', () => {
  it('exchanges the bootstrap token once, then refreshes with the rotated refresh token (AT-31)', async () => {
    const ft = await fakeTokenSmith({ expiresIn: 1 })
    const { src } = source(ft, { refreshSkewSec: 2 })
    await src.init()
    expect(ft.requests).toEqual([
      {
        route: 'token',
        contentType: FORM,
        clientCn: undefined,
        body: {
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          subject_token: 'bootstrap-token',
          subject_token_type: 'urn:openchami:params:oauth:token-type:bootstrap-token',
        },
      },
    ])
    expect(await src.token()).toBe('access-2')
    expect(await src.token()).toBe('access-3')
    expect(ft.requests.slice(1).map((r) => r.body)).toEqual([
      { grant_type: 'refresh_token', refresh_token: 'refresh-1' },
      { grant_type: 'refresh_token', refresh_token: 'refresh-2' },
    ])
    expect(src.stats()).toEqual({ refreshes: 2, refreshFailures: 0 })
    expect(src.health()).toMatchObject({ healthy: true })
  })

  it('does not refresh while more than the skew remains, and refreshes once for concurrent callers', async () => {
    const clock = createFixedClock()
    const ft = await fakeTokenSmith({ expiresIn: 600 })
    const { src } = source(ft, { refreshSkewSec: 300, clock })
    await src.init()
    expect(await Promise.all([src.token(), src.token()])).toEqual(['access-1', 'access-1'])
    expect(src.health()).toEqual({ healthy: true, expiresAt: clock.now() + 600_000 })
    clock.advance(301_000) // 299 s left < 300 s skew
    expect(await Promise.all([src.token(), src.token(), src.token()])).toEqual(['access-2', 'access-2', 'access-2'])
    expect(ft.calls('token')).toBe(2)
  })

  it('sends the bearer token from TokenSmith to SMD, never SMD_JWT (TOK-1, AT-29)', async () => {
    const ft = await fakeTokenSmith()
    const smd = closeAfterTest(await startFakeSmd({ nodes: generateFakeNodes(1), tokens: (t) => ft.isValidAccessToken(t) }))
    const mode = await selectTokenMode({ tokensmith_url: ft.url, tokensmith_bootstrap_token: 'bootstrap-token' })
    expect(mode).toEqual({ mode: 'bootstrap', url: ft.url, bootstrapToken: 'bootstrap-token' })
    const { src } = source(ft)
    await src.init()
    const client = createSmdClient({ baseUrl: smd.url, tokenSource: src, userAgentVersion: '1' })
    await client.bulk()
    expect(new Set(smd.requests.map((r) => r.authorization))).toEqual(new Set(['Bearer access-1']))
  })

  it('refreshes once and retries once when SMD answers 401 (SMD-13, AT-30)', async () => {
    const ft = await fakeTokenSmith()
    const smd = closeAfterTest(await startFakeSmd({ nodes: generateFakeNodes(1) }))
    const { src } = source(ft)
    await src.init()
    const client = createSmdClient({ baseUrl: smd.url, tokenSource: src, userAgentVersion: '1' })
    smd.inject('membership', { status: 401 }, 1)
    expect((await client.nodeRecords('x1000c0s0b0n0'))?.memberships).toHaveLength(1)
    expect(smd.requests.filter((r) => r.route === 'membership').map((r) => r.authorization)).toEqual([
      'Bearer access-1',
      'Bearer access-2',
    ])
    smd.inject('component', { status: 401 }, 2)
    const err = await rejection(client.nodeRecords('x1000c0s0b0n0'))
    expect(err.message).toBe('smd request failed: status 401: injected fault')
    expect(smd.requests.filter((r) => r.route === 'component').map((r) => r.authorization)).toEqual([
      'Bearer access-1', // the first nodeRecords call
      'Bearer access-2',
      'Bearer access-3',
    ])
  })

  it('retries 502, 502 then succeeds on attempt 3, backing off 1 s then 2 s (TOK-7, AT-32)', async () => {
    const ft = await fakeTokenSmith()
    ft.inject('token', { status: 502, body: 'bad gateway' }, 2)
    const { src, sleeps } = source(ft)
    await src.init()
    expect(await src.token()).toBe('access-1')
    expect(ft.calls('token')).toBe(3)
    expect(sleeps).toEqual([1_000, 2_000])
  })

  it('fails init after 5 attempts, naming the endpoint (TOK-7, TOK-8, AT-32)', async () => {
    const ft = await fakeTokenSmith()
    ft.inject('token', { status: 500, body: ' {"error":"server_error"} ' })
    const { src, sleeps } = source(ft)
    const err = await rejection(src.init())
    expect(isMetadataError(err, 'TOKEN_UNAVAILABLE')).toBe(true)
    expect(err.message).toBe(
      `bootstrap token exchange via ${ft.url}/oauth/token failed after 5 attempts: TokenSmith endpoint returned status=500 body={"error":"server_error"}`,
    )
    expect(sleeps).toEqual([1_000, 2_000, 4_000, 8_000])
    expect(src.health()).toMatchObject({ healthy: false })
  })

  it('names the endpoint without the password of a tokensmith_url holding credentials, in errors, health and logs (SPEC §16)', async () => {
    const ft = await fakeTokenSmith()
    ft.inject('token', { status: 500, body: '{"error":"server_error"}' })
    const logger = createRecordingLogger()
    const withCredentials = ft.url.replace('http://', 'http://ts:s3cret@')
    const { src } = source(ft, { url: withCredentials, logger })
    const err = await rejection(src.init())
    expect(err.message).toMatch(/^bootstrap token exchange via http:\/\/ts:\*\*\*@127\.0\.0\.1:\d+\/oauth\/token failed after 5 attempts/)
    expect(JSON.stringify([err.message, src.health(), logger.entries])).not.toContain('s3cret')
    ft.clearInjections()
    const { src: ready } = source(ft, { url: withCredentials, logger })
    await ready.init()
    expect(logger.entries.find((e) => e.message === 'TokenSmith auth ready')?.fields).toMatchObject({ url: withCredentials.replace('s3cret', '***') })
    // As the Go service's client did: the URL's credentials go as Basic auth (SPEC §16 drop-in).
    expect(ft.requests.at(-1)?.authorization).toBe(`Basic ${Buffer.from('ts:s3cret').toString('base64')}`)
  })

  it('fails init against a closed port with the endpoint URL (AT-32)', async () => {
    const { src } = source({ url: 'http://127.0.0.1:1' } as FakeTokenSmith)
    const err = await rejection(src.init())
    expect(err.message).toMatch(/^bootstrap token exchange via http:\/\/127\.0\.0\.1:1\/oauth\/token failed after 5 attempts: .*ECONNREFUSED/)
  })

  it.each([
    ['{"access_token":"a","refresh_token":"r","refresh_expires_in":9}', 'failed to decode token response: missing access_token or expires_in'],
    ['{"access_token":"a","expires_in":0,"refresh_token":"r","refresh_expires_in":9}', 'failed to decode token response: missing access_token or expires_in'],
    ['{"expires_in":60,"refresh_token":"r","refresh_expires_in":9}', 'failed to decode token response: missing access_token or expires_in'],
    ['{"access_token":"a","expires_in":60}', 'failed to decode token response: missing refresh_token or refresh_expires_in'],
    ['{"access_token":"a","expires_in":60,"refresh_token":"r"}', 'failed to decode token response: missing refresh_token or refresh_expires_in'],
  ])('rejects the 200 body %s (TOK-5)', async (body, message) => {
    const ft = await fakeTokenSmith()
    ft.inject('token', { status: 200, body })
    const { src } = source(ft)
    expect((await rejection(src.init())).message).toBe(`bootstrap token exchange via ${ft.url}/oauth/token failed after 5 attempts: ${message}`)
  })

  it('reads at most 1 MiB of a TokenSmith answer and says so, naming the endpoint (issue 16)', async () => {
    const ft = await fakeTokenSmith()
    const huge = `{"access_token":"${'a'.repeat(TOKENSMITH_MAX_RESPONSE_BYTES)}","expires_in":60,"refresh_token":"r","refresh_expires_in":9}`
    ft.inject('token', { status: 200, body: huge })
    const { src } = source(ft)
    expect((await rejection(src.init())).message).toBe(
      `bootstrap token exchange via ${ft.url}/oauth/token failed after 5 attempts: response body exceeds ${TOKENSMITH_MAX_RESPONSE_BYTES} bytes`,
    )
  })

  it('accepts expires_in as a numeric string and any token_type case (TOK-5)', async () => {
    const ft = await fakeTokenSmith()
    ft.inject('token', {
      status: 200,
      body: '{"access_token":"a","token_type":"BEARER","expires_in":"3600","refresh_token":"r","refresh_expires_in":7200}',
    }, 1)
    const { src } = source(ft)
    await src.init()
    expect(await src.token()).toBe('a')
  })

  it('limits each attempt to its deadline (TOK-7)', async () => {
    const ft = await fakeTokenSmith()
    ft.inject('token', { delayMs: 2_000 })
    const { src } = source(ft, { attemptTimeoutMs: 100 })
    expect((await rejection(src.init())).message).toBe(
      `bootstrap token exchange via ${ft.url}/oauth/token failed after 5 attempts: timeout after 100 ms`,
    )
  })

  it('is fatal on invalid_grant, at once (TOK-6)', async () => {
    const ft = await fakeTokenSmith({ expiresIn: 1 })
    const { src, sleeps } = source(ft, { refreshSkewSec: 2 })
    await src.init()
    ft.inject('token', { status: 400, body: '{"error":"invalid_grant"}' })
    const err = await rejection(src.token())
    expect(err.message).toBe(
      `dynamic TokenSmith auth unhealthy: service token refresh via ${ft.url}/oauth/token failed after 1 attempts: TokenSmith endpoint returned status=400 body={"error":"invalid_grant"}`,
    )
    expect(sleeps).toEqual([])
    expect(ft.calls('token')).toBe(2)
  })

  it('is fatal when the refresh token has expired, without calling TokenSmith (TOK-6)', async () => {
    const clock = createFixedClock()
    const ft = await fakeTokenSmith({ expiresIn: 60, refreshExpiresIn: 120 })
    const { src } = source(ft, { refreshSkewSec: 30, clock })
    await src.init()
    clock.advance(121_000)
    const err = await rejection(src.token())
    expect(err.message).toBe('dynamic TokenSmith auth unhealthy: refresh token expired')
    expect(ft.calls('token')).toBe(1)
  })

  it('refreshes in the background when due (TOK-6)', async () => {
    const ft = await fakeTokenSmith({ expiresIn: 1 })
    const { src } = source(ft, { refreshSkewSec: 2, checkIntervalMs: 20 })
    await src.init()
    await vi.waitFor(() => expect(ft.calls('token')).toBeGreaterThanOrEqual(3))
    expect(src.stats().refreshes).toBeGreaterThanOrEqual(2)
  })

  it('does not refresh again for a 401 on a token that was already replaced (SMD-13)', async () => {
    const ft = await fakeTokenSmith()
    const { src } = source(ft)
    await src.init()
    expect(await src.refreshAfterRejection('access-1')).toBe('access-2')
    expect(await src.refreshAfterRejection('access-1')).toBe('access-2')
    expect(ft.calls('token')).toBe(2)
  })
})

describe('exhaustion (TOK-9, AT-34)', () => {
  it('turns unhealthy for good, fails SMD calls closed and sends no static token', async () => {
    const ft = await fakeTokenSmith({ expiresIn: 1 })
    const smd = closeAfterTest(await startFakeSmd({ nodes: generateFakeNodes(2) }))
    const logger = createRecordingLogger()
    const { src, sleeps } = source(ft, { refreshSkewSec: 2, logger })
    await src.init()
    ft.inject('*', { status: 502, body: 'bad gateway' })
    const client = createSmdClient({ baseUrl: smd.url, tokenSource: src, userAgentVersion: '1' })
    const inventory = closeAfterTest(createSmdInventory({ client, logger }))

    expect(await inventory.syncNow()).toBe(false)
    const reason = `dynamic TokenSmith auth unhealthy: service token refresh via ${ft.url}/oauth/token failed after 5 attempts: TokenSmith endpoint returned status=502 body=bad gateway`
    expect(src.health()).toEqual({ healthy: false, reason })
    expect(inventory.health()).toMatchObject({ ready: false, lastError: reason })
    expect(sleeps).toEqual([1_000, 2_000, 4_000, 8_000])
    expect(src.stats()).toEqual({ refreshes: 0, refreshFailures: 5 })

    const err = await rejection(inventory.resolve('10.252.0.1'))
    expect(isMetadataError(err, 'INVENTORY_UNAVAILABLE')).toBe(true)
    expect(err.message).toBe(reason)
    expect(await rejection(src.token())).toMatchObject({ code: 'TOKEN_UNAVAILABLE', message: reason })
    // Permanently: no further TokenSmith attempts, and SMD never saw a request (so no static token either).
    expect(ft.calls('token')).toBe(6)
    expect(smd.calls()).toBe(0)
    expect(smd.requests).toEqual([])
    expect(logger.entries.some((e) => e.level === 'error' && e.fields.reason === reason.slice('dynamic TokenSmith auth unhealthy: '.length))).toBe(true)
    expect(JSON.stringify(logger.entries)).not.toMatch(/access-1|refresh-1|bootstrap-token/) // SEC-4
  })
})

describe('mTLS mode (TOK-3, AT-33)', () => {
  let pki: TestPki
  beforeAll(async () => {
    pki = await createTestPki()
  })
  afterAll(async () => {
    await pki.cleanup()
  })
  const tls = () => ({ cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert })

  it('opens a session with the client certificate, then refreshes to mtls-access-2', async () => {
    const ft = await fakeTokenSmith({ tls: tls(), expiresIn: 1 })
    const { src } = source(ft, {
      mode: 'mtls',
      cert: pki.client.cert,
      key: pki.client.key,
      ca: pki.ca.cert,
      refreshSkewSec: 2,
      bootstrapToken: undefined,
      targetService: 'smd',
      scopes: 'metadata:read, groups:read',
    })
    await src.init()
    expect(ft.requests[0]).toEqual({
      route: 'session',
      contentType: 'application/json',
      clientCn: 'metadata-service',
      body: {
        service_name: 'metadata-service',
        service_id: 'metadata-service',
        instance_id: '',
        cluster_id: '',
        target_service: 'smd',
        scopes: ['metadata:read', 'groups:read'],
      },
    })
    expect(await src.token()).toBe('mtls-access-2')
    expect(ft.requests[1]?.body).toEqual({ grant_type: 'refresh_token', refresh_token: 'mtls-refresh-1' })
    expect([ft.calls('session'), ft.calls('token')]).toEqual([1, 1])
  })

  it('omits scopes when none are set', async () => {
    const ft = await fakeTokenSmith({ tls: tls() })
    const { src } = source(ft, { mode: 'mtls', cert: pki.client.cert, key: pki.client.key, ca: pki.ca.cert })
    await src.init()
    expect(ft.requests[0]?.body).toEqual({
      service_name: 'metadata-service',
      service_id: 'metadata-service',
      instance_id: '',
      cluster_id: '',
      target_service: 'smd',
    })
  })

  it.each([
    ['no client certificate', () => ({})],
    ['a certificate from another CA', () => ({ cert: pki.rogueClient.cert, key: pki.rogueClient.key })],
  ])('is refused with %s', async (_name, creds) => {
    const ft = await fakeTokenSmith({ tls: tls() })
    const { src } = source(ft, { mode: 'mtls', ca: pki.ca.cert, ...creds() })
    const err = await rejection(src.init())
    expect(err.message).toContain(`service identity session via ${ft.url}/service-identity/session failed after 5 attempts: `)
    expect(ft.calls()).toBe(0)
  })

  it('opens a new session on invalid_grant instead of failing (TOK-6)', async () => {
    const ft = await fakeTokenSmith({ tls: tls(), expiresIn: 1 })
    const { src } = source(ft, { mode: 'mtls', cert: pki.client.cert, key: pki.client.key, ca: pki.ca.cert, refreshSkewSec: 2 })
    await src.init()
    ft.inject('token', { status: 400, body: '{"error":"invalid_grant"}' }, 1)
    expect(await src.token()).toBe('mtls-access-2')
    expect([ft.calls('session'), ft.calls('token')]).toEqual([2, 1])
    expect(src.health()).toMatchObject({ healthy: true })
  })

  it('opens a new session when the refresh token has expired, without trying it (TOK-6)', async () => {
    const clock = createFixedClock()
    const ft = await fakeTokenSmith({ tls: tls(), expiresIn: 60, refreshExpiresIn: 120 })
    const { src } = source(ft, { mode: 'mtls', cert: pki.client.cert, key: pki.client.key, ca: pki.ca.cert, refreshSkewSec: 30, clock })
    await src.init()
    clock.advance(121_000)
    expect(await src.token()).toBe('mtls-access-2')
    expect([ft.calls('session'), ft.calls('token')]).toEqual([2, 0])
  })
})
