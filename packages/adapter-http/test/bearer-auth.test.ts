import { createHmac } from 'node:crypto'
import { parseCidrList } from '@metadata-service/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBearerAuthorizer, type BearerAuthorizerOptions } from '../src/index.js'
import { b64url, nowSeconds, signToken, startJwksServer, testKey, type JwksServer, type TestKey, type TokenClaims } from './_jwks.js'
import { postJson, read, startHarness, type Harness } from './_harness.js'

// SEC-6 with auth_jwks_url, through the real HTTP stack and a real JWKS served over HTTP: signature, exp/nbf with
// 60 s leeway, iss, aud, scopes (scope string or scp list), the admin_cidrs bypass, and a JWKS outage failing closed.

const ISSUER = 'https://idp.example'
const AUDIENCE = 'metadata-service'
const CHALLENGE = 'Bearer realm="metadata-service"'
const GROUP = { metadata: { name: 'compute' }, spec: { description: 'Compute nodes' } }

let rsa: TestKey
let ec: TestKey
let stranger: TestKey
let jwks: JwksServer

beforeAll(async () => {
  rsa = await testKey('RS256', 'rsa-1')
  ec = await testKey('ES256', 'ec-1')
  // Same kid as the served RSA key, but a different key: a forged signature.
  stranger = await testKey('RS256', 'rsa-1')
  jwks = await startJwksServer([rsa, ec])
})
afterAll(async () => {
  await jwks.close()
})

function good(overrides: TokenClaims = {}): TokenClaims {
  return { iss: ISSUER, aud: AUDIENCE, sub: 'admin', scope: 'metadata:write', exp: nowSeconds() + 300, iat: nowSeconds(), ...overrides }
}

async function app(options: Partial<BearerAuthorizerOptions> = {}): Promise<Harness> {
  return startHarness({
    authorize: createBearerAuthorizer({ jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE, jwksTimeoutMs: 1000, ...options }),
  })
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

async function expectRefused(res: Response, status: number, error: string): Promise<void> {
  const { body, type } = await read(res)
  expect({ status: res.status, type, body: JSON.parse(body) as unknown }).toEqual({
    status,
    type: 'application/json',
    body: { error, code: status },
  })
  expect(res.headers.get('www-authenticate')).toBe(status === 401 ? CHALLENGE : null)
}

describe('bearer tokens verified against a remote JWKS (SEC-6)', () => {
  it('accepts a valid RS256 token with metadata:write for writes and reads, and an ES256 one', async () => {
    const h = await app()
    const created = await postJson(h, '/groups', GROUP, bearer(await signToken(rsa, good())))
    expect(created.status).toBe(201)
    const list = await h.fetch('/groups', { headers: bearer(await signToken(ec, good())) })
    expect(list.status).toBe(200)
    expect(((await list.json()) as unknown[]).length).toBe(1)
  })

  it('answers 401 with the challenge and stores nothing when the token is missing or not a bearer token', async () => {
    const h = await app()
    await expectRefused(await postJson(h, '/groups', GROUP), 401, 'bearer token required')
    await expectRefused(await h.fetch('/groups'), 401, 'bearer token required')
    await expectRefused(
      await postJson(h, '/groups', GROUP, { Authorization: 'Basic YWRtaW46YWRtaW4=' }),
      401,
      'Authorization must be "Bearer <token>"',
    )
    await expectRefused(await postJson(h, '/groups', GROUP, bearer('not-a-jwt')), 401, 'invalid bearer token: Invalid Compact JWS')
    expect(await h.store.list('Group')).toEqual([])
  })

  it('checks exp and nbf with 60 s of leeway, and requires exp', async () => {
    const h = await app()
    const now = nowSeconds()
    const cases: [TokenClaims, number, string?][] = [
      [good({ exp: now - 120 }), 401, 'invalid bearer token: "exp" claim timestamp check failed'],
      [good({ exp: now - 20 }), 200],
      [good({ nbf: now + 120 }), 401, 'invalid bearer token: "nbf" claim timestamp check failed'],
      [good({ nbf: now + 20 }), 200],
      [good({ exp: undefined }), 401, 'invalid bearer token: missing required "exp" claim'],
    ]
    for (const [claims, status, error] of cases) {
      const res = await h.fetch('/groups', { headers: bearer(await signToken(rsa, claims)) })
      if (error === undefined) expect(res.status).toBe(status)
      else await expectRefused(res, status, error)
    }
  })

  it('checks iss when configured and aud always (a list containing the audience passes)', async () => {
    const h = await app()
    const get = async (claims: TokenClaims) => h.fetch('/groups', { headers: bearer(await signToken(rsa, claims)) })
    await expectRefused(await get(good({ iss: 'https://evil.example' })), 401, 'invalid bearer token: unexpected "iss" claim value')
    await expectRefused(await get(good({ aud: 'other-service' })), 401, 'invalid bearer token: unexpected "aud" claim value')
    await expectRefused(await get(good({ aud: undefined })), 401, 'invalid bearer token: missing required "aud" claim')
    expect((await get(good({ aud: ['other-service', AUDIENCE] }))).status).toBe(200)

    const anyIssuer = await app({ issuer: '' })
    const res = await anyIssuer.fetch('/groups', { headers: bearer(await signToken(rsa, good({ iss: 'https://elsewhere.example' }))) })
    expect(res.status).toBe(200)
  })

  it('refuses a token signed by a key outside the JWKS, under a known kid or an unknown one', async () => {
    const h = await app()
    const get = async (token: string) => h.fetch('/groups', { headers: bearer(token) })
    await expectRefused(await get(await signToken(stranger, good())), 401, 'invalid bearer token: signature verification failed')
    await expectRefused(
      await get(await signToken(stranger, good(), { kid: 'rsa-unknown' })),
      401,
      'invalid bearer token: no applicable key found in the JSON Web Key Set',
    )
  })

  it('refuses alg none and an HS256 token keyed with the public key (algorithm confusion)', async () => {
    const NOT_ALLOWED = 'invalid bearer token: "alg" (Algorithm) Header Parameter value not allowed'
    const h = await app()
    const payload = b64url(good())
    const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.`
    await expectRefused(await postJson(h, '/groups', GROUP, bearer(unsigned)), 401, NOT_ALLOWED)
    const unsignedWithKid = `${b64url({ alg: 'none', kid: rsa.kid })}.${payload}.`
    await expectRefused(await postJson(h, '/groups', GROUP, bearer(unsignedWithKid)), 401, NOT_ALLOWED)

    for (const secret of [JSON.stringify(rsa.publicJwk), String(rsa.publicJwk.n)]) {
      const signingInput = `${b64url({ alg: 'HS256', kid: rsa.kid, typ: 'JWT' })}.${payload}`
      const mac = createHmac('sha256', secret).update(signingInput).digest('base64url')
      await expectRefused(
        await postJson(h, '/groups', GROUP, bearer(`${signingInput}.${mac}`)),
        401,
        NOT_ALLOWED,
      )
    }
    expect(await h.store.list('Group')).toEqual([])
  })

  it('needs metadata:read or metadata:write to read, metadata:write to write, from scope or scp', async () => {
    const h = await app()
    const as = async (claims: TokenClaims) => bearer(await signToken(rsa, good({ scope: undefined, ...claims })))

    const none = await as({})
    await expectRefused(await h.fetch('/groups', { headers: none }), 403, 'insufficient scope: reads need metadata:read or metadata:write')
    await expectRefused(await h.fetch('/wireguardpeers', { headers: await as({ scope: 'openid profile' }) }), 403, 'insufficient scope: reads need metadata:read or metadata:write')

    const reader = await as({ scope: 'openid metadata:read' })
    expect((await h.fetch('/groups', { headers: reader })).status).toBe(200)
    expect((await h.fetch('/wireguardpeers', { headers: reader })).status).toBe(200)
    await expectRefused(await postJson(h, '/groups', GROUP, reader), 403, 'insufficient scope: writes need metadata:write')
    // A scope that merely contains the word is not the scope.
    await expectRefused(await postJson(h, '/groups', GROUP, await as({ scope: 'metadata:writer' })), 403, 'insufficient scope: writes need metadata:write')
    expect(await h.store.list('Group')).toEqual([])

    expect((await h.fetch('/groups', { headers: await as({ scp: ['metadata:read'] }) })).status).toBe(200)
    const created = await postJson(h, '/groups', GROUP, await as({ scp: ['openid', 'metadata:write'] }))
    expect(created.status).toBe(201)
    const uid = ((await created.json()) as { metadata: { uid: string } }).metadata.uid
    const del = await h.fetch(`/groups/${uid}`, { method: 'DELETE', headers: await as({ scp: 'metadata:write' }) })
    expect(del.status).toBe(200)
  })

  it('lets admin_cidrs peers skip the token only with the bypass on, decided on the socket peer', async () => {
    const off = await app()
    await expectRefused(await postJson(off, '/groups', GROUP), 401, 'bearer token required')

    const on = await app({ bypassCidrs: parseCidrList('127.0.0.0/8,::1/128') })
    expect((await postJson(on, '/groups', GROUP)).status).toBe(201)
    expect((await on.fetch('/wireguardpeers')).status).toBe(200)

    // A bypass range that does not hold the socket peer: headers naming an address inside it change nothing.
    const elsewhere = await app({ bypassCidrs: parseCidrList('10.0.0.0/8') })
    const spoofed = { 'X-Forwarded-For': '10.0.0.5', 'X-Real-IP': '10.0.0.5', Forwarded: 'for=10.0.0.5' }
    await expectRefused(await postJson(elsewhere, '/groups', GROUP, spoofed), 401, 'bearer token required')
  })

  it('fails closed with 503 and Retry-After while the JWKS is down, redirected or too slow', async () => {
    for (const mode of ['error', 'redirect', 'hang'] as const) {
      jwks.setMode(mode)
      try {
        // A fresh authorizer: nothing cached from earlier tests.
        const h = await app({ jwksTimeoutMs: 300 })
        const res = await postJson(h, '/groups', GROUP, bearer(await signToken(rsa, good())))
        expect(await read(res)).toEqual({
          status: 503,
          type: 'application/json',
          body: JSON.stringify({ error: 'bearer token verification unavailable: cannot fetch the JWKS', code: 503 }),
        })
        expect(res.headers.get('retry-after')).toBe('5')
        expect(await h.store.list('Group')).toEqual([])
      } finally {
        jwks.setMode('ok')
      }
    }
    const unreachable = await app({ jwksUrl: 'http://127.0.0.1:1/jwks.json' })
    expect((await unreachable.fetch('/groups', { headers: bearer(await signToken(rsa, good())) })).status).toBe(503)
  })

  it('fetches the key set once for many requests, and never logs the token (SEC-4)', async () => {
    const h = await app()
    const before = jwks.fetches()
    const token = await signToken(rsa, good())
    for (let i = 0; i < 5; i++) expect((await h.fetch('/groups', { headers: bearer(token) })).status).toBe(200)
    await h.fetch('/groups', { headers: bearer(`${token}x`) })
    expect(jwks.fetches() - before).toBe(1)
    const logged = JSON.stringify(h.logger.entries)
    expect(logged).not.toContain(token.split('.')[2])
    expect(logged).not.toContain(token.split('.')[1])
  })

  it('refuses an empty audience at construction (the aud check is never silently off)', () => {
    expect(() => createBearerAuthorizer({ jwksUrl: jwks.url, audience: '' })).toThrow('createBearerAuthorizer: audience must not be empty')
  })
})
