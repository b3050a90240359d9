import { describe, expect, it } from 'vitest'
import type { SeedTokenState } from '../../src/ports/seed-token-store.js'
import { createFixedClock } from '../../src/testing/fixed-clock.js'
import { deriveSeedToken, generateSeedSecret, seedTokenDigest } from '../../src/seed-tokens/seed-token.js'
import { initialSeedState, rotateAllIn, rotateNodesIn } from '../../src/seed-tokens/seed-state.js'
import { createSeedTokenIndex } from '../../src/seed-tokens/token-index.js'

/** A source whose state, node list and generation the test sets. */
function source(count: number) {
  let state: SeedTokenState = initialSeedState(generateSeedSecret())
  let xnames = Array.from({ length: count }, (_, i) => `x1c0s${i}b0n0`)
  let generation = 1
  return {
    state: () => state,
    xnames: () => xnames,
    generation: () => generation,
    set(next: SeedTokenState) {
      state = next
    },
    nodes(next: string[]) {
      xnames = next
      generation += 1
    },
  }
}

const find = (index: ReturnType<typeof createSeedTokenIndex>, state: SeedTokenState, xname: string) =>
  index.find(seedTokenDigest(deriveSeedToken(state, xname)))

describe('the seed token index (SEED lookup without a per-node scan)', () => {
  it('maps each node’s token digest to the node, and nothing else', async () => {
    const s = source(50)
    const index = createSeedTokenIndex(s)
    expect(index.isCurrent()).toBe(false)
    await index.update()
    expect(index.isCurrent()).toBe(true)
    expect(index.size()).toBe(50)
    for (const xname of s.xnames()) expect(find(index, s.state(), xname)).toBe(xname)
    expect(index.find(seedTokenDigest('A'.repeat(32)))).toBeUndefined()
  })

  it('derives again only what a change touched: rotated nodes, new nodes, or all after rotate-all', async () => {
    const s = source(100)
    const index = createSeedTokenIndex(s)
    await index.update()
    expect(index.stats()).toEqual({ passes: 1, derived: 100 })

    s.set(rotateNodesIn(s.state(), ['x1c0s7b0n0', 'x1c0s8b0n0']))
    expect(index.isCurrent()).toBe(false)
    await index.update()
    expect(index.stats().derived).toBe(102)
    expect(find(index, s.state(), 'x1c0s7b0n0')).toBe('x1c0s7b0n0')

    s.nodes([...s.xnames().slice(1), 'x9c0s0b0n0'])
    await index.update()
    expect(index.stats().derived).toBe(103)
    expect(index.size()).toBe(100)
    expect(find(index, s.state(), 'x1c0s0b0n0')).toBeUndefined()
    expect(find(index, s.state(), 'x9c0s0b0n0')).toBe('x9c0s0b0n0')

    s.set(rotateAllIn(s.state()))
    await index.update()
    expect(index.stats().derived).toBe(203)
    expect(find(index, s.state(), 'x9c0s0b0n0')).toBe('x9c0s0b0n0')
  })

  it('works in slices, yielding between them, and swaps in the new map only at the end', async () => {
    const s = source(20)
    const clock = createFixedClock()
    const queued: (() => void)[] = []
    // Every node takes 1 "ms": with slices of 4 ms, 20 nodes need 5 slices.
    const ticking = { now: () => (clock.advance(1), clock.now()) }
    const index = createSeedTokenIndex(s, { sliceMs: 4, clock: ticking, scheduler: { soon: (task) => void queued.push(task) } })
    const done = index.update()
    let slices = 1
    while (queued.length > 0) {
      expect(index.size()).toBe(0)
      queued.shift()?.()
      slices += 1
    }
    await done
    expect(slices).toBeGreaterThanOrEqual(5)
    expect(index.size()).toBe(20)
  })

  it('shares one build between concurrent callers', async () => {
    const s = source(10)
    const index = createSeedTokenIndex(s)
    await Promise.all([index.update(), index.update(), index.update()])
    expect(index.stats().passes).toBe(1)
    await index.update()
    expect(index.stats().passes).toBe(1)
  })
})
