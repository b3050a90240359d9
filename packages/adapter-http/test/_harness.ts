import {
  createBootRecorder,
  createBootStatusService,
  createNoCloudService,
  createResourceService,
  createSeedTokens,
  parseCidrList,
  systemClock,
  type BootStatus,
  type Cidr,
  type InstrumentedNoCloudService,
  type NoCloudService,
  type ResourceService,
  type SeedTokenPolicy,
  type SeedTokens,
} from '@metadata-service/core'
import {
  createFakeInventory,
  createFixedClock,
  createMemorySeedTokenStore,
  createMemoryStore,
  createRecordingLogger,
  createSequenceRandom,
  type FakeInventory,
  type RecordingLogger,
} from '@metadata-service/core/testing'
import type { HealthReport, ResourceStore } from '@metadata-service/core'
import { request as httpRequest, type RequestListener } from 'node:http'
import type { Middleware } from 'koa'
import { afterEach } from 'vitest'
import { createApp, listen, type AppDeps, type AppOptions } from '../src/index.js'
import { injectRequest } from './_inject.js'

/** ID-2 default: loopback may set forwarding headers. */
export const LOOPBACK_TRUSTED: readonly Cidr[] = parseCidrList('127.0.0.0/8,::1/128')

/** The mock node n0's HMN address (F-MOCK default client). */
export const N0_IP = '10.252.0.26'

/**
 * How a test reaches the app (STYLE 21): `listener`, a real server on an ephemeral port (`listen()`); `inject`, the
 * same listener (`app.callback()`) called in-process with no socket. Shared suites run over both.
 */
export type Entry = 'listener' | 'inject'

/** Both entries, for `describe.each`. */
export const ENTRIES: readonly Entry[] = ['listener', 'inject']

/** One request of {@link Harness.exchange}. */
export interface ExchangeInit {
  readonly method?: string
  /** Sent as `X-Forwarded-For` (loopback is a trusted proxy). */
  readonly as?: string
  /** The socket peer: a loopback source address for `listener`, the injected peer for `inject`. Default 127.0.0.1. */
  readonly from?: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
}

/** An answer as the client read it: the header lines in wire order, without Date, Connection and Keep-Alive. */
export interface Exchanged {
  readonly status: number
  readonly headers: ReadonlyArray<readonly [string, string]>
  readonly body: string
}

/** A running app with the real core services over core's in-memory fakes. */
export interface Harness {
  /** `http://127.0.0.1:<port>` (`listener`), or `http://localhost`, the origin an injected request names (`inject`). */
  readonly url: string
  readonly entry: Entry
  readonly store: ResourceStore
  readonly inventory: FakeInventory
  readonly logger: RecordingLogger
  readonly resources: ResourceService
  readonly nocloud: NoCloudService
  /** BOOT: the boot record, when `bootStatus` was asked for. */
  readonly bootStatus: BootStatus | undefined
  /** SEED: the seed tokens, when `seeds` was asked for. */
  readonly seeds: SeedTokens | undefined
  /** `close(drainMs)` of the listening server (it is also closed after the test). */
  close(drainMs?: number): Promise<void>
  /** GET (or another method) `path` as the node at `as` (sent as X-Forwarded-For from trusted loopback). */
  fetch(path: string, init?: RequestInit & { as?: string }): Promise<Response>
  /** Sends `target` exactly as given (no URL normalisation) and reads the answer with its header order. */
  exchange(target: string, init?: ExchangeInit): Promise<Exchanged>
}

/** What a test may change: wrap the real services (slow fakes), swap health, or set app options. */
export interface HarnessOptions {
  readonly wrapResources?: (real: ResourceService) => ResourceService
  readonly wrapNocloud?: (real: NoCloudService) => NoCloudService
  readonly health?: () => HealthReport
  readonly authorize?: AppDeps['authorize']
  readonly observe?: AppDeps['observe']
  /** SVC-4: the metrics to serve, built from the harness's own service and store. */
  readonly metrics?: (parts: { nocloud: InstrumentedNoCloudService; store: ResourceStore; bootStatus: BootStatus | undefined }) => AppDeps['metrics']
  /** Serve the admin `POST /render` from the real NoCloud service. */
  readonly preview?: boolean
  readonly wireguard?: AppDeps['wireguard']
  /** Runs first in the Koa stack, to see which requests reach Koa at all. */
  readonly firstKoaMiddleware?: Middleware
  /** BOOT: serve a boot record over the harness's inventory and store (settings as given). */
  readonly bootStatus?: Parameters<typeof createBootRecorder>[0]['settings']
  /** SEED: seed tokens over a memory seed store and the harness's inventory (policy default optional, unbound). */
  readonly seeds?: Partial<SeedTokenPolicy>
  readonly app?: Partial<AppOptions>
  /** Default `listener`. */
  readonly entry?: Entry
}

const running: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((close) => close()))
})

/** Starts an app, on an ephemeral port for `listener` (closed after the test). */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const store = createMemoryStore()
  const inventory = createFakeInventory()
  const logger = createRecordingLogger()
  const realResources = createResourceService({ store, clock: createFixedClock(), random: createSequenceRandom() })
  const realNocloud = createNoCloudService({ inventory, store, logger })
  const resources = options.wrapResources?.(realResources) ?? realResources
  const nocloud = options.wrapNocloud?.(realNocloud) ?? realNocloud
  const bootStatus =
    options.bootStatus === undefined
      ? undefined
      : createBootStatusService({ recorder: createBootRecorder({ clock: systemClock, settings: options.bootStatus }), inventory, store })
  const seeds =
    options.seeds === undefined
      ? undefined
      : createSeedTokens({
          store: createMemorySeedTokenStore(),
          inventory,
          logger,
          policy: { mode: 'optional', bindAddress: false, ...options.seeds },
          resolveAddress: (address) => realNocloud.resolveNode(address),
        })
  const app = createApp(
    {
      resources,
      nocloud,
      health: options.health ?? (() => ({ healthy: true })),
      logger,
      ...(options.authorize === undefined ? {} : { authorize: options.authorize }),
      ...(options.observe === undefined ? {} : { observe: options.observe }),
      ...(options.metrics === undefined ? {} : { metrics: options.metrics({ nocloud: realNocloud, store, bootStatus }) }),
      ...(options.preview === true ? { preview: realNocloud } : {}),
      ...(options.wireguard === undefined ? {} : { wireguard: options.wireguard }),
      ...(bootStatus === undefined ? {} : { bootStatus }),
      ...(seeds === undefined ? {} : { seeds }),
    },
    { trustedProxies: LOOPBACK_TRUSTED, ...options.app },
  )
  if (options.firstKoaMiddleware !== undefined) app.middleware.unshift(options.firstKoaMiddleware)
  if (bootStatus !== undefined) {
    const stop = await bootStatus.start(20)
    running.push(async () => stop())
  }
  const entry = options.entry ?? 'listener'
  const send = entry === 'listener' ? await listening(app) : injecting(app.callback())
  return {
    url: send.url,
    entry,
    store,
    inventory,
    logger,
    resources,
    nocloud,
    bootStatus,
    seeds,
    close: (drainMs = 100) => send.close(drainMs),
    async fetch(path, init = {}) {
      const { as, ...rest } = init
      const headers = new Headers(rest.headers)
      if (as !== undefined) headers.set('X-Forwarded-For', as)
      if (entry === 'listener') return fetch(`${send.url}${path}`, { ...rest, headers })
      const method = rest.method ?? 'GET'
      const answer = await send(path, { method, headers: Object.fromEntries(headers), ...(typeof rest.body === 'string' ? { body: rest.body } : {}) })
      const noBody = method === 'HEAD' || answer.status === 204 || answer.status === 304
      return new Response(noBody ? null : answer.body, { status: answer.status, headers: answer.headers.map(([name, value]) => [name, value]) })
    },
    async exchange(target, init = {}) {
      const headers: Record<string, string> = { ...init.headers }
      if (init.as !== undefined) headers['X-Forwarded-For'] = init.as
      const answer = await send(target, { method: init.method ?? 'GET', headers, ...(init.from === undefined ? {} : { from: init.from }), ...(init.body === undefined ? {} : { body: init.body }) })
      return { ...answer, headers: answer.headers.filter(([name]) => !CONNECTION_HEADERS.has(name.toLowerCase())) }
    },
  }
}

// --- internal ---

// Set by Node per connection (and Date per second), not by the app.
const CONNECTION_HEADERS: ReadonlySet<string> = new Set(['date', 'connection', 'keep-alive'])

interface Sent {
  readonly method: string
  readonly headers: Readonly<Record<string, string>>
  readonly from?: string
  readonly body?: string
}

type Send = ((target: string, sent: Sent) => Promise<Exchanged>) & { readonly url: string; close(drainMs: number): Promise<void> }

/** `listener`: the app served by `listen()` on 127.0.0.1, requests over node:http (target sent verbatim). */
async function listening(app: ReturnType<typeof createApp>): Promise<Send> {
  const server = await listen(app, { host: '127.0.0.1', port: 0 })
  running.push(() => server.close(100))
  const send = (target: string, sent: Sent) =>
    new Promise<Exchanged>((resolve, reject) => {
      const headers = sent.body === undefined ? sent.headers : { ...sent.headers, 'Content-Length': String(Buffer.byteLength(sent.body)) }
      const options = { host: '127.0.0.1', port: server.port, path: target, method: sent.method, headers, agent: false, localAddress: sent.from ?? '127.0.0.1' }
      const req = httpRequest(options, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const lines: Array<readonly [string, string]> = []
          for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push([res.rawHeaders[i] ?? '', res.rawHeaders[i + 1] ?? ''])
          resolve({ status: res.statusCode ?? 0, headers: lines, body: Buffer.concat(chunks).toString('utf8') })
        })
        res.on('error', reject)
      })
      req.on('error', reject)
      req.end(sent.body)
    })
  return Object.assign(send, { url: `http://127.0.0.1:${server.port}`, close: (drainMs: number) => server.close(drainMs) })
}

/** `inject`: the app's listener called in-process (`_inject.ts`), from the socket peer `from` (default 127.0.0.1). */
function injecting(listener: RequestListener): Send {
  const send = async (target: string, sent: Sent): Promise<Exchanged> => {
    const headers = { host: 'localhost', ...sent.headers }
    const answer = await injectRequest(listener, { method: sent.method, target, headers, remoteAddress: sent.from ?? '127.0.0.1', ...(sent.body === undefined ? {} : { body: sent.body }) })
    return { status: answer.status, headers: answer.headers, body: answer.body.toString('utf8') }
  }
  return Object.assign(send, { url: 'http://localhost', close: async () => {} })
}

/** POSTs `body` as JSON to `path` and returns the response. */
export function postJson(h: Harness, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return h.fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) })
}

/** A promise and the function that settles it, to hold a request inside a slow fake. */
export function gate(): { readonly wait: Promise<void>; open(): void } {
  let release!: () => void
  const wait = new Promise<void>((resolve) => {
    release = resolve
  })
  return { wait, open: () => release() }
}

/**
 * A NoCloud service wrapper whose `metaData` holds every request until `open()`; `inside` settles once one is held
 * (to fill the OPS-3 in-flight limit, or to see what a held request counts as).
 */
export function heldMetaData(): { wrapNocloud: (real: NoCloudService) => NoCloudService; readonly inside: Promise<void>; open(): void } {
  const held = gate()
  let entered!: () => void
  const inside = new Promise<void>((resolve) => (entered = resolve))
  return {
    wrapNocloud: (real) => ({
      ...real,
      metaData: async (...args) => {
        entered()
        await held.wait
        return real.metaData(...args)
      },
    }),
    inside,
    open: held.open,
  }
}

/** The status, the media type and the body text of a response. */
export async function read(res: Response): Promise<{ status: number; type: string | null; body: string }> {
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() }
}
