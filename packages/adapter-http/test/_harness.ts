import {
  createBootRecorder,
  createBootStatusService,
  createNoCloudService,
  createResourceService,
  parseCidrList,
  systemClock,
  type BootStatus,
  type Cidr,
  type InstrumentedNoCloudService,
  type NoCloudService,
  type ResourceService,
} from '@metadata-service/core'
import {
  createFakeInventory,
  createFixedClock,
  createMemoryStore,
  createRecordingLogger,
  createSequenceRandom,
  type FakeInventory,
  type RecordingLogger,
} from '@metadata-service/core/testing'
import type { ResourceStore } from '@metadata-service/core'
import { afterEach } from 'vitest'
import { createApp, listen, type AppDeps, type AppOptions, type HealthReport } from '../src/index.js'

/** ID-2 default: loopback may set forwarding headers. */
export const LOOPBACK_TRUSTED: readonly Cidr[] = parseCidrList('127.0.0.0/8,::1/128')

/** The mock node n0's HMN address (F-MOCK default client). */
export const N0_IP = '10.252.0.26'

/** A running app on 127.0.0.1 with the real core services over core's in-memory fakes. */
export interface Harness {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly store: ResourceStore
  readonly inventory: FakeInventory
  readonly logger: RecordingLogger
  readonly resources: ResourceService
  readonly nocloud: NoCloudService
  /** BOOT: the boot record, when `bootStatus` was asked for. */
  readonly bootStatus: BootStatus | undefined
  /** `close(drainMs)` of the listening server (it is also closed after the test). */
  close(drainMs?: number): Promise<void>
  /** GET (or another method) `path` as the node at `as` (sent as X-Forwarded-For from trusted loopback). */
  fetch(path: string, init?: RequestInit & { as?: string }): Promise<Response>
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
  /** BOOT: serve a boot record over the harness's inventory and store (settings as given). */
  readonly bootStatus?: Parameters<typeof createBootRecorder>[0]['settings']
  readonly app?: Partial<AppOptions>
}

const running: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((close) => close()))
})

/** Starts an app on an ephemeral port; it is closed after the test. */
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
      ...(bootStatus === undefined ? {} : { bootStatus }),
    },
    { trustedProxies: LOOPBACK_TRUSTED, ...options.app },
  )
  if (bootStatus !== undefined) {
    const stop = await bootStatus.start(20)
    running.push(async () => stop())
  }
  const server = await listen(app, { host: '127.0.0.1', port: 0 })
  running.push(() => server.close(100))
  const url = `http://127.0.0.1:${server.port}`
  return {
    url,
    store,
    inventory,
    logger,
    resources,
    nocloud,
    bootStatus,
    close: (drainMs = 100) => server.close(drainMs),
    fetch(path, init = {}) {
      const { as, ...rest } = init
      const headers = new Headers(rest.headers)
      if (as !== undefined) headers.set('X-Forwarded-For', as)
      return fetch(`${url}${path}`, { ...rest, headers })
    },
  }
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
