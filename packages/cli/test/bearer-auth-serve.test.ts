import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../src/main.js'
import { fakeIo } from './helpers.js'
import { listening, startServe, type Running } from './serve-helpers.js'

// `serve` with auth_jwks_url (SEC-6) wired end to end: the config keys reach the bearer authorizer, the JWKS is
// fetched over real HTTP, and the client commands send --token / METADATA_SERVICE_TOKEN as Bearer without ever
// printing it (CLI-2, SEC-4). The verification rules themselves are tested in adapter-http (bearer-auth.test.ts).

const ISSUER = 'https://idp.example'
const GROUP = JSON.stringify({ metadata: { name: 'compute' }, spec: { description: 'Compute nodes' } })

let dir: string
let running: Running | undefined
let jwksServer: Server
let jwksUrl: string
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })

/** An ES256 JWT signed with node:crypto (this package does not depend on jose). */
function token(claims: Record<string, unknown>, key: KeyObject = privateKey): string {
  const now = Math.floor(Date.now() / 1000)
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
  const input = `${enc({ alg: 'ES256', kid: 'k1', typ: 'JWT' })}.${enc({ iss: ISSUER, aud: 'metadata-service', exp: now + 300, ...claims })}`
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`
}

beforeAll(async () => {
  const jwks = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256', use: 'sig' }] })
  jwksServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(jwks))
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve))
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks`
})
afterAll(async () => {
  await new Promise((resolve) => jwksServer.close(resolve))
})
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mds-bearer-'))
})
afterEach(async () => {
  running?.signal('SIGTERM')
  await running?.exit
  running = undefined
  await rm(dir, { recursive: true, force: true })
})

async function serve(env: Record<string, string>): Promise<string> {
  running = startServe(dir, ['--mock-smd'], { METADATA_SERVICE_AUTH_JWKS_URL: jwksUrl, METADATA_SERVICE_AUTH_ISSUER: ISSUER, ...env })
  return `http://127.0.0.1:${await listening(running)}`
}

async function cli(argv: string[], env: Record<string, string> = {}) {
  const io = fakeIo({ env })
  const code = await runCli(argv, io)
  return { code, out: io.stdoutText(), err: io.stderrText() }
}

describe('serve with auth_jwks_url (SEC-6)', () => {
  it('requires a bearer token even from loopback, and honours the scopes', async () => {
    const base = await serve({})
    const none = await fetch(`${base}/groups`)
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="metadata-service"')
    expect(await none.json()).toEqual({ error: 'bearer token required', code: 401 })

    const reader = { Authorization: `Bearer ${token({ scope: 'metadata:read' })}`, 'Content-Type': 'application/json' }
    expect((await fetch(`${base}/groups`, { headers: reader })).status).toBe(200)
    const refused = await fetch(`${base}/groups`, { method: 'POST', headers: reader, body: GROUP })
    expect(await refused.json()).toEqual({ error: 'insufficient scope: writes need metadata:write', code: 403 })

    const wrongIssuer = token({ iss: 'https://other.example', scope: 'metadata:write' })
    const res = await fetch(`${base}/groups`, { headers: { Authorization: `Bearer ${wrongIssuer}` } })
    expect(await res.json()).toEqual({ error: 'invalid bearer token: unexpected "iss" claim value', code: 401 })
  })

  it('lets admin_cidrs peers in without a token only with admin_cidrs_bypass_auth', async () => {
    const base = await serve({ METADATA_SERVICE_ADMIN_CIDRS_BYPASS_AUTH: 'true' })
    const res = await fetch(`${base}/groups`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: GROUP })
    expect(res.status).toBe(201)
  })

  it('the CLI sends --token and METADATA_SERVICE_TOKEN as Bearer and never prints them (CLI-2, SEC-4)', async () => {
    const server = await serve({})
    const writer = token({ scope: 'metadata:write' })
    const created = await cli(['group', 'create', '--spec', GROUP, '--server', server, '--token', writer, '-o', 'json'])
    expect(created.err).toBe('')
    expect(created.code).toBe(0)
    expect(JSON.parse(created.out)).toMatchObject({ kind: 'Group', metadata: { name: 'compute' } })

    const listed = await cli(['group', 'list', '--server', server, '-o', 'json'], { METADATA_SERVICE_TOKEN: token({ scp: ['metadata:read'] }) })
    expect(listed.code).toBe(0)
    expect((JSON.parse(listed.out) as unknown[]).length).toBe(1)

    const reader = token({ scope: 'metadata:read' })
    const refused = await cli(['group', 'create', '--spec', GROUP, '--server', server], { METADATA_SERVICE_TOKEN: reader })
    expect(refused).toEqual({ code: 1, out: '', err: 'Error: API error (403): insufficient scope: writes need metadata:write\n' })

    const forged = token({ scope: 'metadata:write' }, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
    const bad = await cli(['group', 'list', '--server', server, '--token', forged])
    expect(bad).toEqual({ code: 1, out: '', err: 'Error: API error (401): invalid bearer token: signature verification failed\n' })

    // Neither the client output nor the server log holds a token (SEC-4).
    const everything = [created, listed, refused, bad].map((r) => r.out + r.err).join('') + (running?.io.stdoutText() ?? '')
    for (const t of [writer, reader, forged]) expect(everything).not.toContain(t.split('.')[2])
  })
})
