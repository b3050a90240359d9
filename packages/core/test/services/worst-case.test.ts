import { describe, expect, it } from 'vitest'
import { createFakeInventory, createMemoryStore } from '../../src/testing/index.js'
import { worstCaseOf } from '../../src/services/_worst-case.js'

// SPEC §16 "Template cost": the cluster's worst case is found by one walk per inventory generation (issue 19).

const spec = { description: '', template: '#cloud-config\n' }

describe('worstCaseOf', () => {
  it('walks the inventory once per generation, shared by concurrent callers', async () => {
    const inventory = createFakeInventory()
    let walks = 0
    const counted = { ...inventory, nodes: () => (walks++, inventory.nodes()) }
    const worstCase = worstCaseOf(counted, createMemoryStore())
    const [a, b] = await Promise.all([worstCase('compute', spec), worstCase('compute', spec)])
    expect(a).toEqual(b)
    expect(a).toBeDefined()
    expect(walks).toBe(1)
  })

  it('tries a walk that failed again on the next call', async () => {
    const inventory = createFakeInventory()
    let calls = 0
    const flaky = {
      ...inventory,
      // The first walk fails part-way, as reading a node off a damaged table would.
      nodes: function* () {
        calls += 1
        for (const node of inventory.nodes()) {
          if (calls === 1) throw new Error('table unreadable')
          yield node
        }
      },
    }
    const worstCase = worstCaseOf(flaky, createMemoryStore())
    await expect(worstCase('compute', spec)).rejects.toThrow('table unreadable')
    expect(await worstCase('compute', spec)).toBeDefined()
    expect(calls).toBe(2)
  })
})
