import { describe, expect, it } from 'vitest'
import { isMetadataError } from '../../src/errors.js'
import { createFakeInventory } from '../../src/testing/fake-inventory.js'
import { MOCK_N0, MOCK_N1, MOCK_NODE_FIXTURES, MOCK_STORAGE } from '../../src/testing/fixtures.js'
import { describeInventory } from '../../src/testing/inventory.contract.js'
import { inventoryNodeOf } from '../../src/testing/inventory-seed.js'

describeInventory('core fake', async (seed) => {
  const inventory = createFakeInventory(seed.map(inventoryNodeOf))
  return { inventory, breakLookups: () => inventory.failNext('INVENTORY_UNAVAILABLE') }
})

describe('createFakeInventory', () => {
  it('resolves the SMD-15 nodes by any interface IP and counts calls', async () => {
    const inventory = createFakeInventory()
    expect((await inventory.resolve('10.252.0.26'))?.xname).toBe(MOCK_N0)
    expect((await inventory.resolve('10.100.0.26'))?.xname).toBe(MOCK_N0)
    expect((await inventory.resolve('10.252.0.27'))?.xname).toBe(MOCK_N1)
    expect((await inventory.resolve('10.252.0.28'))?.xname).toBe(MOCK_STORAGE)
    expect(await inventory.resolve('192.168.99.99')).toBeUndefined()
    expect((await inventory.node(MOCK_N1))?.nid).toBe(1001)
    expect(inventory.calls).toEqual({ resolve: 5, node: 1 })
    expect(inventory.health()).toMatchObject({ ready: true, nodes: 3, ips: 5 })
  })

  it('hands out the same node object for a generation, copied from the input', async () => {
    const inventory = createFakeInventory()
    const a = await inventory.resolve('10.252.0.26')
    expect(await inventory.node(MOCK_N0)).toBe(a)
    expect(a).not.toBe(MOCK_NODE_FIXTURES[0])
    expect(a).toEqual(MOCK_NODE_FIXTURES[0])
    const listed = [...inventory.nodes()]
    expect(listed.map((n) => n.xname)).toEqual(MOCK_NODE_FIXTURES.map((n) => n.xname))
    expect(listed[0]).toBe(a)
  })

  it('resolves a component IP, first node winning a duplicate', async () => {
    const base = MOCK_NODE_FIXTURES[0]!
    const inventory = createFakeInventory([
      { ...base, xname: 'first', componentIp: '10.9.0.1' },
      { ...base, xname: 'second', componentIp: '10.9.0.1' },
    ])
    expect((await inventory.resolve('10.9.0.1'))?.xname).toBe('first')
    expect((await inventory.resolve('10.252.0.26'))?.xname).toBe('first')
  })

  it('fails the next call once per queued code', async () => {
    const inventory = createFakeInventory()
    inventory.failNext('INVENTORY_UNAVAILABLE')
    const err = await inventory.resolve('10.252.0.26').catch((e: unknown) => e)
    expect(isMetadataError(err, 'INVENTORY_UNAVAILABLE')).toBe(true)
    expect((await inventory.resolve('10.252.0.26'))?.xname).toBe(MOCK_N0)
    expect(inventory.calls.resolve).toBe(2)
  })

  it('setNodes replaces the snapshot and bumps the generation', async () => {
    const inventory = createFakeInventory()
    const before = inventory.generation()
    inventory.setNodes([MOCK_NODE_FIXTURES[2]!])
    expect(inventory.generation()).toBe(before + 1)
    expect(await inventory.resolve('10.252.0.26')).toBeUndefined()
    expect((await inventory.resolve('10.252.0.28'))?.xname).toBe(MOCK_STORAGE)
  })
})
