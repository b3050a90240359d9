import { MetadataError, type MetadataErrorCode } from '../errors.js'
import { indexNodesByAddress } from '../identity/node-index.js'
import { addressKey } from '../ip/address-key.js'
import type { Inventory, InventoryHealth, InventoryNode, InventoryStats } from '../ports/inventory.js'
import { MOCK_NODE_FIXTURES } from './fixtures.js'

/** An {@link Inventory} for tests, with call counters and injectable failures. */
export interface FakeInventory extends Inventory {
  /** How many times `resolve` and `node` were called (failed calls included). */
  readonly calls: { resolve: number; node: number }
  /** The next `resolve` or `node` call rejects with `MetadataError(code)`; calls queue one failure each. */
  failNext(code: MetadataErrorCode): void
  /** Replaces the snapshot and bumps the generation, like a completed sync. */
  setNodes(nodes: readonly InventoryNode[]): void
}

/**
 * A static in-memory inventory (default: the three SMD-15 nodes). `resolve` finds a node by any interface IP or
 * its component IP, first node winning on a duplicate (SMD-9); addresses are compared in canonical form. Nodes are
 * copied on `setNodes` and then handed out by reference, like a snapshot, so caches keyed on them behave as in
 * production. `generation()` starts at 1.
 */
export function createFakeInventory(nodes: readonly InventoryNode[] = MOCK_NODE_FIXTURES): FakeInventory {
  let byXname = new Map<string, InventoryNode>()
  let byIp = new Map<string, InventoryNode>()
  let generation = 0
  const failures: MetadataErrorCode[] = []
  const calls = { resolve: 0, node: 0 }

  const setNodes = (next: readonly InventoryNode[]) => {
    const copies = structuredClone(next) as InventoryNode[]
    byXname = new Map(copies.map((n) => [n.xname, n]))
    byIp = indexNodesByAddress(copies)
    generation += 1
  }
  const failIfQueued = () => {
    const code = failures.shift()
    if (code !== undefined) throw new MetadataError(code, `fake inventory failure (${code})`)
  }
  setNodes(nodes)

  return {
    calls,
    failNext: (code) => {
      failures.push(code)
    },
    setNodes,
    async resolve(address) {
      calls.resolve += 1
      failIfQueued()
      return byIp.get(addressKey(address))
    },
    async node(xname) {
      calls.node += 1
      failIfQueued()
      return byXname.get(xname)
    },
    nodes: () => byXname.values(),
    generation: () => generation,
    health: (): InventoryHealth => ({ ready: true, stale: false, nodes: byXname.size, ips: byIp.size }),
    // Static: no syncs and no live lookups to count.
    stats: (): InventoryStats => ({
      syncSuccesses: 0,
      syncFailures: 0,
      lastSyncDurationMs: undefined,
      lastSuccessAt: undefined,
      syncAgeSec: undefined,
      stale: false,
      nodes: byXname.size,
      ips: byIp.size,
      liveLookups: { found: 0, not_found: 0, error: 0 },
    }),
    async start() {},
    async close() {},
  }
}
