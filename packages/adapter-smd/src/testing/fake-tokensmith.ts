// A fake TokenSmith (FT in SPEC §14). Over plain HTTP it serves the bootstrap exchange and refreshes (TOK-4,
// TOK-6); with `tls` it is an HTTPS server with real mutual TLS (requestCert + rejectUnauthorized), so a client
// without the right certificate is refused during the handshake, and it serves the service identity session
// (TOK-3) to a client certificate with the expected CN. Tokens are numbered: `access-1`, `refresh-1`, … (with an
// `mtls-` prefix when the chain started from a session); refresh tokens rotate and an old one is invalid_grant.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { createFaultBook, type FakeReply } from './_fault-book.js'

/** The two routes of the fake. */
export type FakeTokenSmithRoute = 'token' | 'session'

/** One request the fake received, body parsed (form fields or JSON). */
export interface FakeTokenSmithRequest {
  readonly route: FakeTokenSmithRoute | 'unknown'
  readonly contentType: string | undefined
  readonly body: Record<string, unknown>
  /** CN of the verified client certificate (TLS only). */
  readonly clientCn: string | undefined
  /** The `Authorization` header, if any. */
  readonly authorization: string | undefined
}

/** Options of {@link startFakeTokenSmith}. */
export interface FakeTokenSmithOptions {
  /** Serve HTTPS with mutual TLS: server certificate, key and the CA that signs client certificates. */
  readonly tls?: { readonly cert: string; readonly key: string; readonly ca: string }
  /** The accepted bootstrap token; default `bootstrap-token`. Single-use. */
  readonly bootstrapToken?: string
  /** `expires_in` of issued access tokens, seconds; default 3600. */
  readonly expiresIn?: number
  /** `refresh_expires_in`, seconds; default 86400. */
  readonly refreshExpiresIn?: number
  /** The CN a session requires; default `metadata-service`. */
  readonly clientCommonName?: string
}

/** A running fake TokenSmith. */
export interface FakeTokenSmith {
  /** `http(s)://127.0.0.1:<port>` (what `tokensmith_url` would be). */
  readonly url: string
  calls(route?: FakeTokenSmithRoute): number
  readonly requests: FakeTokenSmithRequest[]
  /** Answers the next `times` calls of `route` with `reply` (default: until cleared). */
  inject(route: FakeTokenSmithRoute | '*', reply: FakeReply, times?: number): void
  clearInjections(): void
  /** Changes the lifetimes of tokens issued from now on, seconds. */
  setExpiresIn(expiresIn: number, refreshExpiresIn?: number): void
  /** True for an access token this fake issued (for the fake SMD's `tokens` option). */
  isValidAccessToken(token: string): boolean
  close(): Promise<void>
}

/** Starts a fake TokenSmith on 127.0.0.1, port 0. */
export async function startFakeTokenSmith(options: FakeTokenSmithOptions = {}): Promise<FakeTokenSmith> {
  const bootstrap = options.bootstrapToken ?? 'bootstrap-token'
  const cn = options.clientCommonName ?? 'metadata-service'
  let expiresIn = options.expiresIn ?? 3600
  let refreshExpiresIn = options.refreshExpiresIn ?? 86_400
  let bootstrapUsed = false
  let serial = 0
  const accessTokens = new Set<string>()
  const refreshTokens = new Map<string, string>() // live refresh token → prefix of its chain
  const faults = createFaultBook<FakeTokenSmithRoute>()
  const requests: FakeTokenSmithRequest[] = []

  const issue = (res: ServerResponse, prefix: string): void => {
    serial++
    const access = `${prefix}access-${serial}`
    const refresh = `${prefix}refresh-${serial}`
    accessTokens.add(access)
    refreshTokens.set(refresh, prefix)
    send(res, 200, {
      access_token: access,
      token_type: 'bearer',
      expires_in: expiresIn,
      refresh_token: refresh,
      refresh_expires_in: refreshExpiresIn,
      scope: 'smd:read',
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    })
  }

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    const route: FakeTokenSmithRoute | undefined =
      req.url === '/oauth/token' ? 'token' : req.url === '/service-identity/session' ? 'session' : undefined
    const contentType = req.headers['content-type']
    const body = parseBody(contentType, raw)
    const peer = options.tls ? (req.socket as TLSSocket).getPeerCertificate() : undefined
    const clientCn = peer && typeof peer.subject?.CN === 'string' ? peer.subject.CN : undefined
    requests.push({ route: route ?? 'unknown', contentType, body, clientCn, authorization: req.headers.authorization })
    if (route === undefined || req.method !== 'POST') return send(res, 404, { error: 'not_found' })
    const reply = faults.record(route)
    const go = () => {
      if (reply?.status !== undefined) {
        res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/json' })
        return res.end(reply.body ?? '')
      }
      if (route === 'session') {
        if (!options.tls || clientCn !== cn) return send(res, 403, { error: 'access_denied' })
        return issue(res, 'mtls-')
      }
      if (body.grant_type === 'urn:ietf:params:oauth:grant-type:token-exchange') {
        if (body.subject_token_type !== 'urn:openchami:params:oauth:token-type:bootstrap-token') {
          return send(res, 400, { error: 'invalid_request' })
        }
        if (body.subject_token !== bootstrap || bootstrapUsed) return send(res, 400, { error: 'invalid_grant' })
        bootstrapUsed = true
        return issue(res, '')
      }
      if (body.grant_type === 'refresh_token') {
        const token = typeof body.refresh_token === 'string' ? body.refresh_token : ''
        const prefix = refreshTokens.get(token)
        if (prefix === undefined) return send(res, 400, { error: 'invalid_grant' })
        refreshTokens.delete(token) // rotation: the old refresh token is spent
        return issue(res, prefix)
      }
      return send(res, 400, { error: 'unsupported_grant_type' })
    }
    if (reply?.delayMs) setTimeout(go, reply.delayMs)
    else go()
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    let raw = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (raw += chunk))
    req.on('end', () => handle(req, res, raw))
  }
  const server: Server = options.tls
    ? createHttpsServer(
        { cert: options.tls.cert, key: options.tls.key, ca: options.tls.ca, requestCert: true, rejectUnauthorized: true },
        listener,
      )
    : createHttpServer(listener)
  server.keepAliveTimeout = 1_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    calls: faults.calls,
    requests,
    inject: faults.inject,
    clearInjections: faults.clearInjections,
    setExpiresIn(next, nextRefresh) {
      expiresIn = next
      if (nextRefresh !== undefined) refreshExpiresIn = nextRefresh
    },
    isValidAccessToken: (token) => accessTokens.has(token),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((err) => (err ? reject(err) : resolve()))
      }),
  }
}

function parseBody(contentType: string | undefined, raw: string): Record<string, unknown> {
  if (contentType?.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw))
  try {
    const parsed = JSON.parse(raw) as unknown
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}
