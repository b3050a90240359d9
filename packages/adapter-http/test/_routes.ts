import type Koa from 'koa'
import { createBootRecorder, createBootStatusService, createNoCloudService, createResourceService, createSeedTokens, systemClock } from '@metadata-service/core'
import { createFakeInventory, createMemorySeedTokenStore, createMemoryStore, createRecordingLogger } from '@metadata-service/core/testing'
import { createApp, createServiceMetrics } from '../src/index.js'
import { NOCLOUD_ROUTE_DOCUMENTS } from '../src/_internal/nocloud-route.js'
import { LOOPBACK_TRUSTED } from './_harness.js'

/** A router's layer as @koa/router keeps it (its public `stack`). */
interface Layer {
  readonly path: string | RegExp
  readonly methods: readonly string[]
}

/**
 * `METHOD /path` of every route the app serves, sorted: the NoCloud handler's routes (GET, from its route table) and
 * the Koa routes, read from the routers' own layer stacks (the dispatch middleware of `router.routes()` carries its
 * router). `:name` becomes `{name}` as in OpenAPI; the HEAD the router adds to each GET is left out.
 */
export function servedRoutes(app: Koa = fullApp()): string[] {
  // With seed tokens wired (`fullApp`), the seed routes `/n/:token/…` too (SEED).
  const nocloud = [...NOCLOUD_ROUTE_DOCUMENTS.keys()].map((path) => `GET ${openApiPath(path)}`)
  const routes = new Set<string>(nocloud)
  for (const middleware of app.middleware as unknown as Array<{ router?: { stack: Layer[] } }>) {
    for (const layer of middleware.router?.stack ?? []) {
      const path = openApiPath(String(layer.path))
      for (const method of layer.methods) if (method !== 'HEAD') routes.add(`${method} ${path}`)
    }
  }
  return [...routes].sort()
}

function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
}

/** `METHOD /path` of every operation in an OpenAPI document, sorted. */
export function documentedRoutes(doc: { paths: Readonly<Record<string, object>> }): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort()
}

/** The app with every optional part wired, so that every route it can serve is mounted. */
function fullApp(): Koa {
  const store = createMemoryStore()
  const logger = createRecordingLogger()
  const inventory = createFakeInventory()
  const nocloud = createNoCloudService({ inventory, store, logger })
  // WireGuard routes are always mounted (WG-1); /metrics, /render and the boot status routes only with their deps.
  return createApp(
    {
      resources: createResourceService({ store }),
      nocloud,
      health: () => ({ healthy: true }),
      logger,
      authorize: () => {},
      observe: () => {},
      metrics: createServiceMetrics(),
      preview: nocloud,
      bootStatus: createBootStatusService({ recorder: createBootRecorder({ clock: systemClock }), inventory, store }),
      seeds: createSeedTokens({
        store: createMemorySeedTokenStore(),
        inventory,
        logger,
        policy: { mode: 'optional', bindAddress: false },
        resolveAddress: (address) => nocloud.resolveNode(address),
      }),
    },
    { trustedProxies: LOOPBACK_TRUSTED },
  ) as unknown as Koa
}
