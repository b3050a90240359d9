import { describe, expect, it } from 'vitest'
import { MetadataError } from '../../src/errors.js'
import { MOCK_N0, MOCK_N1, MOCK_STORAGE } from '../../src/testing/fixtures.js'
import { SEED_TOKEN_REQUIRED_MESSAGE, UNKNOWN_SEED_TOKEN_MESSAGE } from '../../src/seed-tokens/seed-policy.js'
import { manyNodes, seedSetup } from './_seed.test-setup.js'

const N0_ADDRESS = '10.252.0.26'
const N1_ADDRESS = '10.252.0.27'
const UNKNOWN_ADDRESS = '192.0.2.9'
const unknownToken = { code: 'NODE_NOT_FOUND', message: UNKNOWN_SEED_TOKEN_MESSAGE }

describe('identify (SEED)', () => {
  it('finds the node of a token whatever the address it comes from', async () => {
    const { seeds } = seedSetup()
    const token = seeds.tokenOf(MOCK_N1)
    for (const client of [N1_ADDRESS, N0_ADDRESS, UNKNOWN_ADDRESS]) expect((await seeds.identify(token, client)).xname).toBe(MOCK_N1)
    expect(seeds.stats().requests).toEqual({ accepted: 3, malformed: 0, unknown: 0, wrongAddress: 0 })
  })

  it('answers a token of the right shape that names no node as unknown, counted, naming no node', async () => {
    const { seeds } = seedSetup()
    const real = seeds.tokenOf(MOCK_N0)
    const oneOff = `${real.slice(0, 31)}${real.endsWith('A') ? 'B' : 'A'}`
    await expect(seeds.identify(oneOff, N0_ADDRESS)).rejects.toMatchObject(unknownToken)
    await expect(seeds.identify('A'.repeat(32), N0_ADDRESS)).rejects.toMatchObject(unknownToken)
    expect(seeds.stats().requests).toMatchObject({ accepted: 0, unknown: 2 })
  })

  it('refuses malformed tokens before any lookup or derivation', async () => {
    const { seeds, inventory } = seedSetup()
    const real = seeds.tokenOf(MOCK_N0)
    for (const token of [real.slice(0, 31), `${real}=`, `${real}A`, `${real.slice(0, 29)}%2F`, '', '../meta-data', 'x'.repeat(5000)]) {
      await expect(seeds.identify(token, N0_ADDRESS)).rejects.toMatchObject(unknownToken)
    }
    expect(seeds.stats().requests.malformed).toBe(7)
    expect(inventory.calls.node).toBe(0)
  })

  it('refuses a rotated token at once and accepts the new one', async () => {
    const { seeds } = seedSetup()
    const before = seeds.tokenOf(MOCK_N0)
    const other = seeds.tokenOf(MOCK_N1)
    await seeds.identify(before, N0_ADDRESS)
    expect(await seeds.rotate({ node: MOCK_N0 })).toEqual([MOCK_N0])
    const after = seeds.tokenOf(MOCK_N0)
    expect(after).not.toBe(before)
    await expect(seeds.identify(before, N0_ADDRESS)).rejects.toMatchObject(unknownToken)
    expect((await seeds.identify(after, N0_ADDRESS)).xname).toBe(MOCK_N0)
    // Rotating one node leaves every other token as it was.
    expect(seeds.tokenOf(MOCK_N1)).toBe(other)
    expect((await seeds.identify(other, N1_ADDRESS)).xname).toBe(MOCK_N1)
  })

  it('checks every index hit against a freshly derived token, so a rotation holds while the index catches up', async () => {
    const queued: (() => void)[] = []
    const slow = { sliceMs: 0, scheduler: { soon: (task: () => void) => void queued.push(task) } }
    const { seeds } = seedSetup({}, { index: slow })
    const before = seeds.tokenOf(MOCK_N0)
    const first = seeds.identify(before, N0_ADDRESS)
    while (queued.length > 0) queued.shift()?.()
    await first
    await seeds.rotate({ node: MOCK_N0 })
    // The index still maps the old token's digest to n0 (its rebuild waits on the scheduler), yet it is refused.
    const refused = seeds.identify(before, N0_ADDRESS)
    expect(queued.length).toBeGreaterThan(0)
    while (queued.length > 0) queued.shift()?.()
    await expect(refused).rejects.toMatchObject(unknownToken)
  })

  it('rotates a group’s members, or every token', async () => {
    const { seeds } = seedSetup()
    const tokens = () => [MOCK_N0, MOCK_N1, MOCK_STORAGE].map((x) => seeds.tokenOf(x))
    const [n0, n1, storage] = tokens()
    expect(await seeds.rotate({ group: 'blue' })).toEqual([MOCK_N1])
    expect(tokens()).toEqual([n0, expect.not.stringMatching(n1 as string), storage])
    expect(await seeds.rotate({ all: true })).toEqual([MOCK_N0, MOCK_N1, MOCK_STORAGE])
    const now = tokens()
    for (const [i, old] of [n0, n1, storage].entries()) expect(now[i]).not.toBe(old)
    for (const old of [n0, storage]) await expect(seeds.identify(old as string, N0_ADDRESS)).rejects.toMatchObject(unknownToken)
    expect(seeds.stats().rotations).toEqual({ nodes: 1, all: 1 })
  })

  it('refuses to rotate an unknown node or an empty group, changing nothing', async () => {
    const { seeds, store } = seedSetup()
    const before = store.current()
    await expect(seeds.rotate({ node: 'x9c9s9b9n9' })).rejects.toMatchObject({ code: 'NODE_NOT_FOUND', message: 'node x9c9s9b9n9 not found' })
    await expect(seeds.rotate({ group: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'no node is a member of group nope' })
    expect(store.current()).toBe(before)
  })

  it('keeps the old token when the store fails to rotate', async () => {
    const { seeds, store } = seedSetup()
    const before = seeds.tokenOf(MOCK_N0)
    store.failNext()
    await expect(seeds.rotate({ node: MOCK_N0 })).rejects.toMatchObject({ code: 'STORAGE_FAILED' })
    expect(seeds.tokenOf(MOCK_N0)).toBe(before)
    expect((await seeds.identify(before, N0_ADDRESS)).xname).toBe(MOCK_N0)
  })

  it('answers a token of a node gone from the inventory as unknown', async () => {
    const { seeds, inventory } = seedSetup()
    const token = seeds.tokenOf(MOCK_STORAGE)
    await seeds.identify(token, N0_ADDRESS)
    inventory.setNodes([...inventory.nodes()].filter((n) => n.xname !== MOCK_STORAGE))
    await expect(seeds.identify(token, N0_ADDRESS)).rejects.toMatchObject(unknownToken)
  })

  it('finds a node added by a sync', async () => {
    const { seeds, inventory } = seedSetup()
    await seeds.identify(seeds.tokenOf(MOCK_N0), N0_ADDRESS)
    const added = manyNodes(1)[0]!
    inventory.setNodes([...inventory.nodes(), added])
    expect((await seeds.identify(seeds.tokenOf(added.xname), N0_ADDRESS)).xname).toBe(added.xname)
  })

  it('is an outage (503), not an unknown token, when the inventory cannot answer', async () => {
    const { seeds, inventory } = seedSetup()
    const token = seeds.tokenOf(MOCK_N0)
    await seeds.identify(token, N0_ADDRESS)
    inventory.failNext('INVENTORY_UNAVAILABLE')
    await expect(seeds.identify(token, N0_ADDRESS)).rejects.toMatchObject({ code: 'INVENTORY_UNAVAILABLE', message: 'node lookup unavailable' })
  })

  it('never logs a token, only its fingerprint', async () => {
    const { seeds, logger } = seedSetup({ bindAddress: true })
    const token = seeds.tokenOf(MOCK_N0)
    await seeds.rotate({ node: MOCK_N1 })
    await expect(seeds.identify(token, N1_ADDRESS)).rejects.toMatchObject(unknownToken)
    const text = JSON.stringify(logger.entries)
    expect(logger.entries.length).toBeGreaterThan(0)
    for (const x of [MOCK_N0, MOCK_N1]) expect(text).not.toContain(seeds.tokenOf(x))
    expect(text).not.toContain(token)
  })
})

describe('nodeOf (SEED, admin lookups)', () => {
  it('names the node of a current token, nothing for any other, and counts nothing', async () => {
    const { seeds } = seedSetup({ bindAddress: true })
    const token = seeds.tokenOf(MOCK_N1)
    expect((await seeds.nodeOf(token))?.xname).toBe(MOCK_N1)
    expect(await seeds.nodeOf('A'.repeat(32))).toBeUndefined()
    expect(await seeds.nodeOf('short')).toBeUndefined()
    await seeds.rotate({ node: MOCK_N1 })
    expect(await seeds.nodeOf(token)).toBeUndefined()
    expect(seeds.stats().requests).toEqual({ accepted: 0, malformed: 0, unknown: 0, wrongAddress: 0 })
  })
})

describe('seed_tokens_bind_address (SEED)', () => {
  it('accepts a token from its node’s address only; others get the same 404 as an unknown token', async () => {
    const { seeds, logger } = seedSetup({ bindAddress: true })
    const token = seeds.tokenOf(MOCK_N0)
    expect((await seeds.identify(token, N0_ADDRESS)).xname).toBe(MOCK_N0)
    await expect(seeds.identify(token, N1_ADDRESS)).rejects.toMatchObject(unknownToken)
    await expect(seeds.identify(token, UNKNOWN_ADDRESS)).rejects.toMatchObject(unknownToken)
    expect(seeds.stats().requests).toMatchObject({ accepted: 1, wrongAddress: 2 })
    expect(logger.entries.filter((e) => e.message === 'seed token used from an address of another node')).toEqual([
      expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ node: MOCK_N0, client: N1_ADDRESS, seed: expect.stringMatching(/^[0-9a-f]{8}$/) }) }),
      expect.objectContaining({ fields: expect.objectContaining({ node: MOCK_N0, client: UNKNOWN_ADDRESS }) }),
    ])
  })

  it('is an outage when the address cannot be looked up', async () => {
    const down = async (): Promise<never> => {
      throw new MetadataError('INVENTORY_UNAVAILABLE', 'node lookup unavailable')
    }
    const { seeds } = seedSetup({ bindAddress: true }, { resolveAddress: down })
    const token = seeds.tokenOf(MOCK_N0)
    await expect(seeds.identify(token, N0_ADDRESS)).rejects.toMatchObject({ code: 'INVENTORY_UNAVAILABLE' })
  })
})

describe('policy modes (SEED)', () => {
  it('optional admits address-only requests', () => {
    const { seeds, inventory } = seedSetup({ mode: 'optional' })
    const [node] = inventory.nodes()
    expect(() => seeds.admitAddressOnly(node!)).not.toThrow()
    expect(seeds.stats().addressOnlyRefused).toBe(0)
  })

  it('required refuses them with 403 naming the setting, counted', () => {
    const { seeds, inventory } = seedSetup({ mode: 'required' })
    const [node] = inventory.nodes()
    expect(() => seeds.admitAddressOnly(node!)).toThrow(expect.objectContaining({ code: 'FORBIDDEN', message: SEED_TOKEN_REQUIRED_MESSAGE }))
    expect(SEED_TOKEN_REQUIRED_MESSAGE).toContain('seed_tokens: required')
    expect(seeds.stats().addressOnlyRefused).toBe(1)
  })
})
