import { createFakeInventory, type FakeInventory } from '../../src/testing/fake-inventory.js'
import { MOCK_NODE_FIXTURES } from '../../src/testing/fixtures.js'
import { createMemorySeedTokenStore, type MemorySeedTokenStore } from '../../src/testing/memory-seed-token-store.js'
import { createRecordingLogger, type RecordingLogger } from '../../src/testing/recording-logger.js'
import { MetadataError } from '../../src/errors.js'
import type { InventoryNode } from '../../src/ports/inventory.js'
import type { SeedTokenPolicy } from '../../src/seed-tokens/seed-policy.js'
import { createSeedTokens, type SeedTokens } from '../../src/seed-tokens/seed-token-service.js'
import type { SeedTokenIndexOptions } from '../../src/seed-tokens/token-index.js'

/** A seed token service over the three mock nodes, a memory store and a recording logger. */
export interface SeedSetup {
  readonly seeds: SeedTokens
  readonly store: MemorySeedTokenStore
  readonly inventory: FakeInventory
  readonly logger: RecordingLogger
}

/** `policy` defaults to optional without address binding; addresses resolve through the fake inventory. */
export function seedSetup(
  policy: Partial<SeedTokenPolicy> = {},
  options: {
    nodes?: readonly InventoryNode[]
    resolveAddress?: (address: string) => Promise<InventoryNode>
    index?: SeedTokenIndexOptions
  } = {},
): SeedSetup {
  const store = createMemorySeedTokenStore()
  const inventory = createFakeInventory(options.nodes ?? MOCK_NODE_FIXTURES)
  const logger = createRecordingLogger()
  const seeds = createSeedTokens({
    store,
    inventory,
    logger,
    policy: { mode: 'optional', bindAddress: false, ...policy },
    ...(options.index === undefined ? {} : { index: options.index }),
    resolveAddress:
      options.resolveAddress ??
      (async (address) => {
      const node = await inventory.resolve(address)
      if (node === undefined) throw new MetadataError('NODE_NOT_FOUND', 'node not found')
      return node
    }),
  })
  return { seeds, store, inventory, logger }
}

/** `count` compute nodes `x1c0s<i>b0n0` with HMN address 10.1.<i/250>.<i%250+1>. */
export function manyNodes(count: number): InventoryNode[] {
  return Array.from({ length: count }, (_, i) => ({
    xname: `x1c0s${i}b0n0`,
    nid: i + 1,
    role: 'Compute',
    groups: [i % 2 === 0 ? 'even' : 'odd'],
    interfaces: [
      { id: `if${i}`, description: 'HMN', mac: '02:00:00:00:00:01', type: 'Node', ipAddresses: [{ ip: `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`, network: 'HMN' }] },
    ],
    nics: [],
  }))
}
