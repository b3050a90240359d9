// A fake SMD on the real wire contract (FS in SPEC §14), served by node:http on 127.0.0.1. It keeps the traps of
// real SMD: unknown query names are ignored (a wrong filter name returns every interface), NICs may sit under
// `EthNICInfo`, roles are capitalised, and `/memberships` and `/Inventory/ComponentEndpoints` require the bearer
// token. Every call is counted per route; faults (status, body, delay) can be injected per route.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createFaultBook, type FakeReply } from './_fault-book.js'
import { fakeSmdData, type FakeNode, type FakeSmdData } from './fake-smd-data.js'

/** The routes of the fake, for counters and fault injection. */
export type FakeSmdRoute =
  | 'components'
  | 'component'
  | 'interfaces'
  | 'interfacesByIp'
  | 'interfacesByComponent'
  | 'memberships'
  | 'membership'
  | 'endpoints'
  | 'endpoint'

export type { FakeReply }

/** One request the fake received. */
export interface FakeSmdRequest {
  readonly route: FakeSmdRoute | 'unknown'
  /** Path and query after the prefix, e.g. `/hsm/v2/Inventory/EthernetInterfaces?IPAddress=10.0.0.1`. */
  readonly path: string
  readonly authorization: string | undefined
  readonly userAgent: string | undefined
  readonly accept: string | undefined
}

/** Options of {@link startFakeSmd}. */
export interface FakeSmdOptions {
  readonly nodes?: readonly FakeNode[]
  /** Raw records instead of `nodes`. */
  readonly data?: FakeSmdData
  /** Mount point before `/hsm/v2`, e.g. `/apis/smd` for a gateway; default none. */
  readonly prefix?: string
  /** Bearer tokens the protected routes accept; a function decides per token. Default: no auth required. */
  readonly tokens?: readonly string[] | ((token: string) => boolean)
  /** Ignore the `IPAddress` filter too (a server that returns every interface, AT-23). */
  readonly ignoreIpAddressFilter?: boolean
}

/** A running fake SMD. */
export interface FakeSmd {
  /** `http://127.0.0.1:<port><prefix>` (what `SMD_URL` would be). */
  readonly url: string
  /** Number of calls to `route`, or to every route. */
  calls(route?: FakeSmdRoute): number
  readonly requests: FakeSmdRequest[]
  /** Answers the next `times` calls of `route` with `reply` (default: every call until cleared). */
  inject(route: FakeSmdRoute | '*', reply: FakeReply, times?: number): void
  clearInjections(): void
  /** Replaces the records (nodes or raw data). */
  setNodes(nodes: readonly FakeNode[] | FakeSmdData): void
  /** The current raw records (mutate, then call `touch()`). */
  readonly data: FakeSmdData
  /** Drops cached bodies after the records were mutated in place. */
  touch(): void
  /** Replaces the accepted tokens. */
  setTokens(tokens: readonly string[] | ((token: string) => boolean) | undefined): void
  close(): Promise<void>
}

const PROTECTED: ReadonlySet<FakeSmdRoute> = new Set(['memberships', 'membership', 'endpoints', 'endpoint'])

/** Starts a fake SMD on 127.0.0.1, port 0. */
export async function startFakeSmd(options: FakeSmdOptions = {}): Promise<FakeSmd> {
  let data: FakeSmdData = options.data ?? fakeSmdData(options.nodes ?? [])
  let tokens = options.tokens
  const prefix = (options.prefix ?? '').replace(/\/+$/, '')
  const faults = createFaultBook<FakeSmdRoute>()
  const requests: FakeSmdRequest[] = []
  // Encoded once: at 100k nodes re-encoding ~140 MB of text per sync would slow the fake, not the client.
  let bulkBodies = new Map<string, Buffer>()

  const bulkBody = (key: 'components' | 'interfaces' | 'memberships' | 'endpoints'): Buffer => {
    let body = bulkBodies.get(key)
    if (body === undefined) {
      const value =
        key === 'components'
          ? { Components: data.components }
          : key === 'endpoints'
            ? { ComponentEndpoints: data.endpoints }
            : data[key]
      body = Buffer.from(JSON.stringify(value))
      bulkBodies.set(key, body)
    }
    return body
  }

  const authorised = (req: IncomingMessage): boolean => {
    if (tokens === undefined) return true
    const header = req.headers.authorization ?? ''
    const token = header.startsWith('Bearer ') ? header.slice(7) : undefined
    if (token === undefined) return false
    return typeof tokens === 'function' ? tokens(token) : tokens.includes(token)
  }

  const answer = (req: IncomingMessage, res: ServerResponse, route: FakeSmdRoute, url: URL, rest: string): void => {
    if (PROTECTED.has(route) && !authorised(req)) return problem(res, 401, 'Unauthorized', 'invalid or missing token')
    const q = url.searchParams
    const one = (list: Record<string, unknown>[], key: string, what: string) => {
      const found = list.find((r) => r[key] === rest)
      return found === undefined ? problem(res, 404, 'Not Found', `no such ${what}.`) : json(res, 200, JSON.stringify(found))
    }
    switch (route) {
      case 'components':
        return json(res, 200, bulkBody('components'))
      case 'component':
        return one(data.components, 'ID', 'xname')
      case 'memberships':
        return json(res, 200, bulkBody('memberships'))
      case 'membership':
        return one(data.memberships, 'id', 'xname')
      case 'endpoints':
        return json(res, 200, bulkBody('endpoints'))
      case 'endpoint':
        return one(data.endpoints, 'ID', 'xname')
      case 'interfaces':
        return json(res, 200, bulkBody('interfaces'))
      case 'interfacesByComponent':
      case 'interfacesByIp': {
        const cid = q.get('ComponentID')
        const ip = options.ignoreIpAddressFilter ? null : q.get('IPAddress')
        const list = data.interfaces.filter(
          (i) =>
            (cid === null || i.ComponentID === cid) &&
            (ip === null || (i.IPAddresses as Array<{ IPAddress?: string }>).some((a) => a.IPAddress === ip)),
        )
        return json(res, 200, JSON.stringify(list))
      }
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : ''
    const match = routeOf(path, url.searchParams)
    requests.push({
      route: match?.route ?? 'unknown',
      path: path + url.search,
      authorization: req.headers.authorization,
      userAgent: req.headers['user-agent'],
      accept: req.headers.accept,
    })
    if (match === undefined) return problem(res, 404, 'Not Found', 'not found')
    if (req.method !== 'GET') return problem(res, 405, 'Method Not Allowed', 'GET only')
    const reply = faults.record(match.route)
    const go = () => {
      if (reply?.status === undefined) return answer(req, res, match.route, url, match.rest)
      if (reply.body === undefined && reply.status >= 400) return problem(res, reply.status, 'Error', 'injected fault')
      res.writeHead(reply.status, reply.status === 204 ? {} : { 'content-type': reply.contentType ?? 'application/json' })
      if (reply.chunked && reply.body !== undefined) {
        for (let at = 0; at < reply.body.length; at += 65_536) res.write(reply.body.slice(at, at + 65_536))
        return void res.end()
      }
      res.end(reply.status === 204 ? undefined : (reply.body ?? ''))
    }
    if (reply?.delayMs) setTimeout(go, reply.delayMs)
    else go()
  })
  server.keepAliveTimeout = 1_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    calls: faults.calls,
    requests,
    inject: faults.inject,
    clearInjections: faults.clearInjections,
    setNodes(nodes) {
      data = Array.isArray(nodes) ? fakeSmdData(nodes as readonly FakeNode[]) : (nodes as FakeSmdData)
      bulkBodies = new Map()
    },
    get data() {
      return data
    },
    touch() {
      bulkBodies = new Map()
    },
    setTokens(next) {
      tokens = next
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((err) => (err ? reject(err) : resolve()))
      }),
  }
}

function routeOf(path: string, q: URLSearchParams): { route: FakeSmdRoute; rest: string } | undefined {
  const m = /^\/hsm\/v2(\/State\/Components|\/Inventory\/EthernetInterfaces|\/memberships|\/Inventory\/ComponentEndpoints)(?:\/([^/]+))?\/?$/.exec(
    path,
  )
  if (!m) return undefined
  const rest = m[2] === undefined ? '' : decodeURIComponent(m[2])
  switch (m[1]) {
    case '/State/Components':
      return { route: rest ? 'component' : 'components', rest }
    case '/memberships':
      return { route: rest ? 'membership' : 'memberships', rest }
    case '/Inventory/ComponentEndpoints':
      return { route: rest ? 'endpoint' : 'endpoints', rest }
    default:
      if (rest) return undefined
      // Only the real filter names count; anything else (e.g. `ipaddr`) is ignored, as SMD does.
      if (q.has('IPAddress')) return { route: 'interfacesByIp', rest }
      if (q.has('ComponentID')) return { route: 'interfacesByComponent', rest }
      return { route: 'interfaces', rest }
  }
}

function json(res: ServerResponse, status: number, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(body)
}

function problem(res: ServerResponse, status: number, title: string, detail: string): void {
  res.writeHead(status, { 'content-type': 'application/problem+json' })
  res.end(JSON.stringify({ type: 'about:blank', title, detail, status }))
}
