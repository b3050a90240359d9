import { request as httpRequest } from 'node:http'
import {
  createNoCloudService,
  createResourceService,
  generateWireGuardKeyPair,
  startWireGuard,
  checkWireGuardPeer,
  type ResourceStore,
  type WireGuardService,
} from '@metadata-service/core'
import {
  createFakeInventory,
  createFakeTunnel,
  createFixedClock,
  createMemoryStore,
  createRecordingLogger,
  type FakeInventory,
  type FakeTunnel,
  type RecordingLogger,
} from '@metadata-service/core/testing'
import { afterEach } from 'vitest'
import { createApp, listen, type WireGuardEndpoints } from '../src/index.js'
import { LOOPBACK_TRUSTED } from './_harness.js'

/**
 * The app with WireGuard wired as the CLI wires it, on core's real WireGuard service over a fake device
 * (`createFakeTunnel`) and the in-memory store and inventory.
 *
 * WG-12 needs socket peers outside loopback, which a test on 127.0.0.1 cannot have: loopback always passes. So
 * requests are sent from other loopback source addresses (`from`), and `standIns` tells the gate which address each
 * one plays (`127.0.0.6` → `10.0.0.1`). The gate still asks core's rule, with that address; what this proves is that
 * the HTTP side asks about the socket peer (never a header) on exactly the WG-12 routes.
 */
export interface WireGuardApp {
  readonly url: string
  readonly store: ResourceStore
  readonly inventory: FakeInventory
  readonly tunnel: FakeTunnel
  readonly logger: RecordingLogger
  /** The core service; `enabled()` false when started without `server`. */
  readonly service: WireGuardService
  readonly serverPublicKey: string
  /** Every socket address the WG-12 gate was asked about, in order. */
  readonly gateAsked: string[]
  request(path: string, init?: WgRequest): Promise<Answer>
}

/** One request: `from` is the local source address (default 127.0.0.1); `as` sends `X-Forwarded-For`. */
export interface WgRequest {
  readonly method?: string
  readonly from?: string
  readonly as?: string
  readonly headers?: Record<string, string>
  readonly body?: string
}

/** Status, media type, `Retry-After` and body text. */
export interface Answer {
  readonly status: number
  readonly type: string | undefined
  readonly retryAfter: string | undefined
  readonly body: string
}

/** What {@link startWireGuardApp} may change. */
export interface WireGuardAppOptions {
  /** `wireguard_server`; absent leaves WireGuard off (WG-1). Default `100.97.0.1/16`. */
  readonly server?: string | undefined
  readonly wireguardOnly?: boolean
  /** Source address → the peer address it plays for the WG-12 gate. */
  readonly standIns?: Readonly<Record<string, string>>
  /** False: build the app without the `wireguard` dep at all. Default true. */
  readonly wired?: boolean
}

const running: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((close) => close()))
})

/** Starts the app on 127.0.0.1 (ephemeral port); closed after the test. */
export async function startWireGuardApp(options: WireGuardAppOptions = {}): Promise<WireGuardApp> {
  const store = createMemoryStore()
  const inventory = createFakeInventory()
  const logger = createRecordingLogger()
  const tunnel = createFakeTunnel()
  const keys = generateWireGuardKeyPair()
  const gateAsked: string[] = []
  // The NoCloud service asks the WireGuard map first (ID-4; called only once requests arrive, after `service` is set),
  // and WireGuard resolves requesters through NoCloud.
  const nocloud = createNoCloudService({ inventory, store, logger, tunnelResolver: (address) => service.resolveTunnelAddress(address) })
  const service = await startWireGuard({
    server: 'server' in options ? options.server : '100.97.0.1/16',
    listenPort: 51820,
    store,
    logger,
    resolveNode: async (address) => (await nocloud.resolveNode(address)).xname,
    createTunnel: () => tunnel,
    loadPrivateKey: async () => keys.privateKey,
  })
  const endpoints: WireGuardEndpoints = {
    init: (body, client, initOptions) => service.init(body, client, initOptions),
    phoneHome: (id, client, phoneHomeOptions) => service.phoneHome(id, client, phoneHomeOptions),
    allowsSocketPeer(peer) {
      gateAsked.push(peer)
      return !service.enabled() || service.isInsideTunnelNetwork(options.standIns?.[peer] ?? peer)
    },
  }
  const resources = createResourceService({ store, clock: createFixedClock(), kindChecks: { WireGuardPeer: checkWireGuardPeer } })
  const app = createApp(
    { resources, nocloud, health: () => ({ healthy: true }), logger, ...(options.wired === false ? {} : { wireguard: endpoints }) },
    { trustedProxies: LOOPBACK_TRUSTED, wireguardOnly: options.wireguardOnly ?? false },
  )
  const server = await listen(app, { host: '127.0.0.1', port: 0 })
  running.push(async () => {
    await server.close(100)
    await service.close()
  })
  const url = `http://127.0.0.1:${server.port}`
  return {
    url,
    store,
    inventory,
    tunnel,
    logger,
    service,
    serverPublicKey: keys.publicKey,
    gateAsked,
    request: (path, init = {}) => send(url, path, init),
  }
}

// --- internal ---

function send(url: string, path: string, init: WgRequest): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers }
  if (init.as !== undefined) headers['X-Forwarded-For'] = init.as
  if (init.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(init.body))
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method: init.method ?? 'GET', headers, localAddress: init.from ?? '127.0.0.1', agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: res.headers['content-type'],
          retryAfter: res.headers['retry-after'],
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(init.body)
  })
}
