// Shared setup of the NoCloud service tests; imported only by *.test.ts files.
import type { AnyResource } from '../../src/domain/kinds.js'
import { isMetadataError, type MetadataError } from '../../src/errors.js'
import type { InventoryNode } from '../../src/ports/inventory.js'
import type { ResourceStore } from '../../src/ports/resource-store.js'
import { createFakeInventory } from '../../src/testing/fake-inventory.js'
import { MOCK_NODE_FIXTURES, QUICKSTART_CLUSTER_DEFAULTS, QUICKSTART_GROUP_COMPUTE, QUICKSTART_GROUP_GREEN, storedResource } from '../../src/testing/fixtures.js'
import { createMemoryStore } from '../../src/testing/memory-store.js'
import { createRecordingLogger } from '../../src/testing/recording-logger.js'
import { createNoCloudService, type NoCloudServiceDeps } from '../../src/services/nocloud-service.js'

export const CD = storedResource('ClusterDefaults', QUICKSTART_CLUSTER_DEFAULTS, { uid: 'clusterdefaults-00000001' })
export const COMPUTE = storedResource('Group', QUICKSTART_GROUP_COMPUTE, { uid: 'group-00000001' })
export const GREEN = storedResource('Group', QUICKSTART_GROUP_GREEN, { uid: 'group-00000002' })
/** SPEC §14 default setup: F-CD, F-COMPUTE, F-GREEN. */
export const DEFAULT_SETUP: readonly AnyResource[] = [CD, COMPUTE, GREEN]
/** The request context of a client talking to `localhost:8888` directly. */
export const REQUEST = { host: 'localhost:8888', proto: 'http' }

export interface SetupOptions extends Partial<Omit<NoCloudServiceDeps, 'inventory' | 'store' | 'logger'>> {
  resources?: readonly AnyResource[]
  nodes?: readonly InventoryNode[]
  store?: ResourceStore
}

/** A service over a memory store (default setup) and the fake inventory (SMD-15 nodes). */
export function setup(options: SetupOptions = {}) {
  const { resources = DEFAULT_SETUP, nodes, store: givenStore, ...rest } = options
  const store = givenStore ?? createMemoryStore(resources)
  const inventory = createFakeInventory(nodes)
  const logger = createRecordingLogger()
  const service = createNoCloudService({ inventory, store, logger, ...rest })
  return { store, inventory, logger, service, node: (address = '10.252.0.26') => service.resolveNode(address) }
}

/** The MetadataError `promise` rejects with; fails the test otherwise. */
export async function rejection(promise: Promise<unknown>): Promise<MetadataError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!isMetadataError(err)) throw new Error(`expected a MetadataError, got ${String(err)}`)
  return err
}

/**
 * `count` distinct nodes shaped like mock n0 (HMN 10.64.x.y, HSN 10.128.x.y, NID 1 + i), members of `compute` and
 * `green` (even i) or `blue` (odd i), as the boot-storm benchmark lays them out.
 */
export function clusterNodes(count: number): InventoryNode[] {
  const template = MOCK_NODE_FIXTURES[0]!
  return Array.from({ length: count }, (_, i) => {
    const ip = (net: number) => `10.${net}.${Math.floor((i + 1) / 256)}.${(i + 1) % 256}`
    const mac = (net: number) => `02:0${net}:00:${(Math.floor(i / 256) % 256).toString(16).padStart(2, '0')}:${(i % 256).toString(16).padStart(2, '0')}:00`
    const nets = [ip(64), ip(128)]
    return {
      ...template,
      xname: `x${1000 + Math.floor(i / 256)}c0s${Math.floor(i / 4) % 64}b0n${i % 4}`,
      nid: i + 1,
      groups: ['compute', i % 2 === 0 ? 'green' : 'blue'],
      interfaces: template.interfaces.map((iface, n) => ({ ...iface, mac: mac(n), ipAddresses: [{ ...iface.ipAddresses[0]!, ip: nets[n]! }] })),
      nics: template.nics.map((nic, n) => ({ ...nic, mac: mac(n), permanentMac: mac(n) })),
    }
  })
}
