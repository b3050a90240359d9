import { MetadataError } from '../../src/errors.js'
import type { ResourceStore } from '../../src/ports/resource-store.js'
import { createFakeTunnel, createFixedClock, createMemoryStore, createRecordingLogger, type FakeTunnel } from '../../src/testing/index.js'
import { N0, N1, N2, SERVER_PRIVATE_KEY, SERVER_PUBLIC_KEY } from './_peers.test-data.js'
import { parseServerAddress } from '../../src/wireguard/server-address.js'
import { createWireGuardService } from '../../src/wireguard/wireguard-service.js'

/**
 * Client addresses of the mock nodes (AT fixtures); anything else is no node (NODE_NOT_FOUND, SPEC §16 WG-10).
 * `10.252.0.99` plays a broken resolver that answers an empty name.
 */
export const NODE_OF: Readonly<Record<string, string>> = { '10.252.0.26': N0, '10.252.0.27': N1, '10.252.0.28': N2, '10.252.0.99': '' }

/** The fixtures' resolver: {@link NODE_OF}, else NODE_NOT_FOUND `node not found` as NoCloud's resolveNode answers. */
export async function resolveFixtureNode(address: string): Promise<string> {
  const node = NODE_OF[address]
  if (node === undefined) throw new MetadataError('NODE_NOT_FOUND', 'node not found')
  return node
}

/** Options of {@link startService}. */
export interface ServiceFixtureOptions {
  readonly store?: ResourceStore
  readonly tunnel?: FakeTunnel | null
  readonly server?: string
  /** Default {@link resolveFixtureNode}. */
  readonly resolveNode?: (address: string) => Promise<string>
}

/**
 * A started service over a memory store and a started fake tunnel, as `startWireGuard` would wire it for
 * `--wireguard-server 100.97.0.1/16` (AT-36). `tunnel: null` gives a service with WireGuard off.
 */
export async function startService(options: ServiceFixtureOptions = {}) {
  const store = options.store ?? createMemoryStore()
  const server = options.server ?? '100.97.0.1/16'
  const tunnel = options.tunnel === null ? undefined : (options.tunnel ?? createFakeTunnel())
  if (tunnel !== undefined && !tunnel.running) {
    await tunnel.start({ privateKey: SERVER_PRIVATE_KEY, listenPort: 51820, address: server })
  }
  const logger = createRecordingLogger()
  const clock = createFixedClock()
  const service = createWireGuardService({
    store,
    tunnel,
    server: tunnel === undefined ? undefined : parseServerAddress(server),
    serverPublicKey: SERVER_PUBLIC_KEY,
    listenPort: 51820,
    clock,
    logger,
    resolveNode: options.resolveNode ?? resolveFixtureNode,
  })
  await service.start()
  return { store, tunnel, service, logger, clock }
}

type FailingMethod = 'list' | 'create' | 'delete' | 'update'

/** A store whose methods can be made to reject with STORAGE_FAILED `message` (a disk error), delegating otherwise. */
export function failingStore(store: ResourceStore = createMemoryStore()) {
  const failing = new Map<FailingMethod, string>()
  const guard = (method: FailingMethod) => {
    const message = failing.get(method)
    if (message !== undefined) throw new MetadataError('STORAGE_FAILED', message)
  }
  const wrapped: ResourceStore = {
    list: async (kind) => (guard('list'), store.list(kind)),
    get: (kind, uid) => store.get(kind, uid),
    create: async (resource) => (guard('create'), store.create(resource)),
    update: async (resource, version) => (guard('update'), store.update(resource, version)),
    delete: async (kind, uid, version) => (guard('delete'), store.delete(kind, uid, version)),
    generation: () => store.generation(),
    subscribe: (listener) => store.subscribe(listener),
    problems: () => store.problems(),
    superseded: () => store.superseded(),
    close: () => store.close(),
  }
  return {
    store: wrapped,
    /** Makes `method` reject from now on with `message`; `undefined` heals it. */
    fail(method: FailingMethod, message: string | undefined) {
      if (message === undefined) failing.delete(method)
      else failing.set(method, message)
    },
  }
}
