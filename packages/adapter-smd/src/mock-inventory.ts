import { silentLogger, type Inventory, type InventoryHealth, type Logger } from '@metadata-service/core'
import { mockBulkPayloads } from './_mock-payloads.js'
import { buildSnapshot, type SmdSnapshot } from './snapshot.js'
import { parseComponents, parseEndpoints, parseInterfaces, parseMemberships } from './wire.js'

/** Options of {@link createMockInventory}. */
export interface MockInventoryOptions {
  /** Receives the pipeline's warnings; default silent. */
  readonly logger?: Logger
}

/**
 * The built-in inventory of `--mock-smd` (SMD-15): three nodes, written as SMD wire payloads and run through the
 * same parsing and snapshot pipeline as a real sync. No network calls; ready at once.
 */
export function createMockInventory(options: MockInventoryOptions = {}): Inventory {
  const logger = options.logger ?? silentLogger
  const raw = mockBulkPayloads()
  const snapshot: SmdSnapshot = buildSnapshot(
    {
      components: parseComponents(raw.components),
      interfaces: parseInterfaces(raw.interfaces),
      memberships: parseMemberships(raw.memberships),
      endpoints: parseEndpoints(raw.endpoints),
    },
    logger,
  )
  const health: InventoryHealth = Object.freeze({
    ready: true,
    stale: false,
    nodes: snapshot.nodes.size,
    ips: snapshot.byIp.size,
  })
  return {
    resolve: async (address) => snapshot.byIp.get(address),
    node: async (xname) => snapshot.nodes.get(xname),
    generation: () => 1,
    health: () => health,
    start: async () => {},
    close: async () => {},
  }
}
