import { MetadataError, silentLogger, type Logger } from '@metadata-service/core'
import { MOCK_NODES, mockBulkPayloads, type MockNode } from './_mock-payloads.js'
import type { SmdClient } from './smd-client.js'
import { createSmdInventory, type SmdInventory } from './smd-inventory.js'
import { buildSnapshot } from './snapshot.js'
import { parseComponents, parseEndpoints, parseInterfaces, parseMemberships, type WireBulk } from './wire.js'

/** Options of {@link createMockInventory}. */
export interface MockInventoryOptions {
  /** Receives the pipeline's logs; default silent. */
  readonly logger?: Logger
  /** The nodes to serve instead of the three SMD-15 ones (tests: the Inventory contract suite). */
  readonly nodes?: readonly MockNode[]
}

/** The mock's four bulk payloads for `nodes`, parsed by the real wire schemas. */
function mockBulkOf(nodes: readonly MockNode[]): WireBulk {
  const raw = mockBulkPayloads(nodes)
  return {
    components: parseComponents(raw.components),
    interfaces: parseInterfaces(raw.interfaces),
    memberships: parseMemberships(raw.memberships),
    endpoints: parseEndpoints(raw.endpoints),
  }
}

/**
 * An {@link SmdClient} answering from the SMD-15 payloads (or those of `nodes`) in memory: no network, same calls
 * (bulk and live) and the same parsing as the HTTP client.
 */
export function createMockSmdClient(nodes: readonly MockNode[] = MOCK_NODES): SmdClient {
  const mockBulk = () => mockBulkOf(nodes)
  return {
    baseUrl: 'mock:',
    bulk: async () => mockBulk(),
    bulkSnapshot: async (logger) => buildSnapshot(mockBulk(), logger),
    async componentIdForIp(ip) {
      const owner = mockBulk().interfaces.find((i) => i.IPAddresses?.some((a) => a.IPAddress === ip))
      if (owner === undefined) throw new MetadataError('NODE_NOT_FOUND', `no component found for IP ${ip}`)
      return owner.ComponentID ?? ''
    },
    async nodeRecords(xname) {
      const all = mockBulk()
      const components = all.components.filter((c) => c.ID === xname)
      if (components.length === 0) return undefined
      return {
        components,
        interfaces: all.interfaces.filter((i) => i.ComponentID === xname),
        memberships: all.memberships?.filter((m) => m.id === xname),
        endpoints: all.endpoints.filter((e) => e.ID === xname),
      }
    },
  }
}

/**
 * The built-in inventory of `--mock-smd` (SMD-15): three nodes (`x1000c0s0b0n0` at 10.252.0.26, `x1000c0s0b0n1`
 * at 10.252.0.27, `x1000c0s1b0n0` at 10.252.0.28, plus their HSN addresses), written as SMD wire payloads and run
 * through the same parsing, snapshot and inventory code as real SMD. The first sync happens here, synchronously,
 * so health is ready at once; `start()` then re-syncs from the same payloads every 60 s. No network calls.
 */
export function createMockInventory(options: MockInventoryOptions = {}): SmdInventory {
  const logger = options.logger ?? silentLogger
  const nodes = options.nodes ?? MOCK_NODES
  return createSmdInventory({
    client: createMockSmdClient(nodes),
    seed: buildSnapshot(mockBulkOf(nodes), logger),
    logger,
  })
}
