import { afterEach, describe, expect, it } from 'vitest'
import type { Inventory } from '../ports/inventory.js'
import { inventoryNodeOf, type InventorySeedNode } from './inventory-seed.js'

/** What a {@link describeInventory} factory returns: an inventory serving exactly the seeded nodes. */
export interface InventoryFixture {
  /** Holds the seed as its snapshot already (synced, where it syncs); the suite closes it after each test. */
  readonly inventory: Inventory
  /**
   * Makes the next lookup of an address outside the snapshot fail, as an SMD outage does. Required unless the
   * suite was told the implementation cannot fail (`{ outages: false }`, the mock).
   */
  readonly breakLookups?: () => void
  /** Runs after each test, after the suite closed the inventory. */
  readonly cleanup?: () => Promise<void>
}

const HMN = 'Node Management Network'
const HSN = 'High Speed Network'
const N0: InventorySeedNode = {
  xname: 'x1000c0s0b0n0',
  nid: 1000,
  role: 'Compute',
  groups: ['compute', 'green'],
  interfaces: [
    { mac: 'b4:2e:99:be:1a:6d', description: HMN, ips: [{ ip: '10.252.0.26', network: 'HMN' }] },
    { mac: 'b4:2e:99:be:1a:6e', description: HSN, ips: [{ ip: '10.100.0.26', network: 'HSN' }] },
  ],
}
// Two addresses on one interface, one of them IPv6 in long form and without a network.
const N1: InventorySeedNode = {
  xname: 'x1000c0s0b0n1',
  nid: 1001,
  role: 'compute',
  groups: ['compute', 'blue'],
  interfaces: [{ mac: 'b4:2e:99:be:1a:7d', description: HMN, ips: [{ ip: '10.252.0.27', network: 'HMN' }, { ip: 'fd00:0:0:0:0:0:0:1b' }] }],
}
// No interfaces and no groups, but component-level address fields (SMD-5: fixtures).
const STORAGE: InventorySeedNode = {
  xname: 'x1000c0s1b0n0',
  nid: 0,
  role: 'Storage',
  groups: [],
  interfaces: [],
  componentIp: '10.252.1.28',
  componentMac: 'b4:2e:99:be:1a:8d',
}
const SEED = [N0, N1, STORAGE]
const iface = (mac: string, ip: string): InventorySeedNode['interfaces'][number] => ({ mac, description: HMN, ips: [{ ip, network: 'HMN' }] })

/**
 * The {@link Inventory} contract (STYLE 6), run against core's fake, adapter-smd's SMD inventory (on the fake SMD)
 * and mock (`--mock-smd`), and adapter-cluster's worker replica: the seeded nodes come back as the port describes
 * them, by any of their addresses (canonical form) or xname, in order; the first owner of a duplicate address wins,
 * component addresses before interface ones (SMD-9); what no node owns is `undefined`, an outage
 * INVENTORY_UNAVAILABLE (ID-4); the generation stays while nothing changes; health and stats count the snapshot.
 * `factory` is called once per test with the nodes to seed. `options.outages` (default `true`): whether the
 * implementation can fail a lookup; `false` leaves out the outage test (nothing behind the mock can fail).
 */
export function describeInventory(
  name: string,
  factory: (seed: readonly InventorySeedNode[]) => Promise<InventoryFixture>,
  options: { readonly outages?: boolean } = {},
): void {
  describe(`Inventory contract: ${name}`, () => {
    let fixture: InventoryFixture | undefined
    const open = async (seed: readonly InventorySeedNode[]): Promise<InventoryFixture> => (fixture = await factory(seed))
    afterEach(async () => {
      await fixture?.inventory.close()
      await fixture?.cleanup?.()
      fixture = undefined
    })

    it('lists every seeded node in order, each as the port describes it (SMD-9)', async () => {
      const { inventory } = await open(SEED)
      expect([...inventory.nodes()]).toEqual(SEED.map(inventoryNodeOf))
    })

    it('hands out, when it keeps one, a node table of exactly what nodes() lists (issue 19)', async () => {
      const { inventory } = await open(SEED)
      const table = inventory.snapshotTable?.()
      if (table === undefined) return
      expect([...table.nodes()]).toEqual([...inventory.nodes()])
      for (const node of SEED) expect(table.node(node.xname)?.xname).toBe(node.xname)
    })

    it('holds nothing when seeded with nothing, and is ready all the same', async () => {
      const { inventory } = await open([])
      expect([...inventory.nodes()]).toEqual([])
      expect(await inventory.resolve('10.252.0.26')).toBeUndefined()
      expect(inventory.health()).toMatchObject({ ready: true, nodes: 0, ips: 0 })
    })

    it('resolves a node by every IP of every interface, HMN and HSN alike, and by its component IP (SMD-9)', async () => {
      const { inventory } = await open(SEED)
      const owners: Array<[string, InventorySeedNode]> = [
        ['10.252.0.26', N0],
        ['10.100.0.26', N0],
        ['10.252.0.27', N1],
        ['fd00:0:0:0:0:0:0:1b', N1],
        ['10.252.1.28', STORAGE],
      ]
      for (const [address, owner] of owners) expect(await inventory.resolve(address), address).toEqual(inventoryNodeOf(owner))
    })

    it('compares addresses in canonical form, however either side spells them', async () => {
      const { inventory } = await open(SEED)
      expect((await inventory.resolve('fd00::1b'))?.xname).toBe(N1.xname)
      expect((await inventory.resolve('FD00:0::1B'))?.xname).toBe(N1.xname)
    })

    it('finds a node by xname, one without interfaces or groups too; an unknown xname is undefined', async () => {
      const { inventory } = await open(SEED)
      expect(await inventory.node(N0.xname)).toEqual(inventoryNodeOf(N0))
      expect(await inventory.node(STORAGE.xname)).toEqual(inventoryNodeOf(STORAGE))
      expect(await inventory.node('x9999c0s0b0n0')).toBeUndefined()
    })

    it('answers undefined, not an error, for an address no node owns (ID-4: 404, not 503)', async () => {
      const { inventory } = await open(SEED)
      expect(await inventory.resolve('10.252.9.99')).toBeUndefined()
      expect(await inventory.resolve('fd00::99')).toBeUndefined()
    })

    it('gives a duplicate address to its first owner: component IPs before interface IPs, then nodes in order (SMD-9)', async () => {
      const first: InventorySeedNode = { xname: 'x1c0s0b0n0', nid: 1, role: 'Compute', groups: [], interfaces: [iface('02:00:00:00:00:01', '10.9.0.1'), iface('02:00:00:00:00:02', '10.9.0.10')] }
      const second: InventorySeedNode = { xname: 'x1c0s0b0n1', nid: 2, role: 'Compute', groups: [], interfaces: [iface('02:00:00:00:00:03', '10.9.0.2')], componentIp: '10.9.0.1' }
      const third: InventorySeedNode = { xname: 'x1c0s0b0n2', nid: 3, role: 'Compute', groups: [], interfaces: [iface('02:00:00:00:00:04', '10.9.0.2')] }
      const { inventory } = await open([first, second, third])
      expect((await inventory.resolve('10.9.0.1'))?.xname).toBe(second.xname)
      expect((await inventory.resolve('10.9.0.2'))?.xname).toBe(second.xname)
      expect((await inventory.resolve('10.9.0.10'))?.xname).toBe(first.xname)
      expect(inventory.health()).toMatchObject({ nodes: 3, ips: 3 })
    })

    it('keeps its generation while nothing changes, lookups of known and unknown addresses included', async () => {
      const { inventory } = await open(SEED)
      const generation = inventory.generation()
      await inventory.resolve('10.252.0.26')
      await inventory.resolve('10.252.9.99')
      await inventory.node(N1.xname)
      await inventory.node('x9999c0s0b0n0')
      expect(inventory.generation()).toBe(generation)
    })

    it('reports the seeded snapshot as ready and fresh, in health and stats alike (SMD-14, SVC-4)', async () => {
      const { inventory } = await open(SEED)
      const health = inventory.health()
      expect(health).toMatchObject({ ready: true, stale: false, nodes: 3, ips: 5 })
      expect(health.lastError).toBeUndefined()
      const stats = inventory.stats()
      expect(stats).toMatchObject({ stale: false, nodes: 3, ips: 5, syncFailures: 0 })
      expect(stats.lastSuccessAt).toBe(health.lastSuccessAt)
    })

    if (options.outages !== false) {
      it('rejects with INVENTORY_UNAVAILABLE, never undefined, when it cannot answer (ID-4: 503)', async () => {
        const { inventory, breakLookups } = await open(SEED)
        expect(breakLookups, 'the fixture must provide breakLookups (or pass { outages: false })').toBeDefined()
        breakLookups?.()
        await expect(inventory.resolve('10.252.9.99')).rejects.toMatchObject({ code: 'INVENTORY_UNAVAILABLE' })
      })
    }
  })
}
