import { describeInventory, type InventorySeedNode } from '@metadata-service/core/testing'
import { createMockInventory, createSmdClient, createSmdInventory, createStaticTokenSource, createSyncProcess, type MockNode } from '../src/index.js'
import { startFakeSmd, type FakeNode } from '../src/testing/index.js'
import { syncChildUrl } from './_sync-child-build.js'

// The Inventory contract (STYLE 6) for both inventories of this package: the real one, synced from a fake SMD on the
// real wire contract, and the built-in mock of `--mock-smd` (SMD-15). Each seed becomes what that backend reads.

/** A seeded node as the fake SMD's records (its NICs mirror the interfaces, as the seed's do). */
const fakeNode = (seed: InventorySeedNode): FakeNode => ({
  xname: seed.xname,
  nid: seed.nid,
  role: seed.role,
  groups: seed.groups,
  interfaces: seed.interfaces.map((i) => ({ mac: i.mac, description: i.description, ips: i.ips })),
  ...(seed.componentIp === undefined ? {} : { componentIp: seed.componentIp }),
  ...(seed.componentMac === undefined ? {} : { componentMac: seed.componentMac }),
})

describeInventory('adapter-smd on a fake SMD', async (seed) => {
  const smd = await startFakeSmd({ nodes: seed.map(fakeNode) })
  const client = createSmdClient({ baseUrl: smd.url, tokenSource: createStaticTokenSource(), userAgentVersion: 'test', timeoutMs: 5_000 })
  const inventory = createSmdInventory({ client })
  if (!(await inventory.syncNow())) throw new Error('the first sync from the fake SMD failed')
  return {
    inventory,
    // SMD down for live lookups: the snapshot still answers, a miss cannot be looked up.
    breakLookups: () => smd.inject('interfacesByIp', { status: 503, body: 'down' }),
    cleanup: () => smd.close(),
  }
})

// The same with the bulk sync in a child process, as `serve` runs it (issue 19).
describeInventory('adapter-smd on a fake SMD, syncing in a child process', async (seed) => {
  const smd = await startFakeSmd({ nodes: seed.map(fakeNode) })
  const options = { baseUrl: smd.url, tokenSource: createStaticTokenSource(), userAgentVersion: 'test', timeoutMs: 5_000 }
  const inventory = createSmdInventory({ client: createSmdClient(options), syncSource: createSyncProcess({ ...options, entryUrl: await syncChildUrl() }) })
  if (!(await inventory.syncNow())) throw new Error('the first sync from the fake SMD failed')
  return {
    inventory,
    breakLookups: () => smd.inject('interfacesByIp', { status: 503, body: 'down' }),
    cleanup: async () => {
      await inventory.close()
      await smd.close()
    },
  }
})

// A seed node and a mock node describe the same things in the same words.
describeInventory('adapter-smd mock (--mock-smd)', async (seed) => ({ inventory: createMockInventory({ nodes: seed satisfies readonly MockNode[] }) }), {
  outages: false,
})
