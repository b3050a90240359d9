import { describe, expect, it } from 'vitest'
import { generateSeedSecret } from '../../src/seed-tokens/seed-token.js'
import { initialSeedState, parseSeedEpochs, rotateAllIn, rotateNodesIn, seedEpochsFile } from '../../src/seed-tokens/seed-state.js'

describe('seed state transitions (SEED rotation epochs)', () => {
  it('only ever grows: a node epoch per rotation, the global epoch per rotate-all', () => {
    const start = initialSeedState(generateSeedSecret())
    const a = rotateNodesIn(start, ['x1c0s0b0n0', 'x1c0s0b0n0', 'x1c0s1b0n0'])
    const b = rotateAllIn(rotateNodesIn(a, ['x1c0s0b0n0']))
    expect(seedEpochsFile(b)).toEqual({ globalEpoch: 1, nodes: { x1c0s0b0n0: 2, x1c0s1b0n0: 1 } })
    expect(seedEpochsFile(start)).toEqual({ globalEpoch: 0, nodes: {} })
    expect(rotateNodesIn(b, [])).toBe(b)
    expect(b.secret).toBe(start.secret)
  })

  it('round-trips the epochs through their file shape', () => {
    const state = rotateAllIn(rotateNodesIn(initialSeedState(generateSeedSecret()), ['x1c0s1b0n0', 'x1c0s0b0n0']))
    const parsed = parseSeedEpochs(JSON.stringify(seedEpochsFile(state)))
    expect(parsed.globalEpoch).toBe(1)
    expect([...parsed.nodeEpochs]).toEqual([
      ['x1c0s0b0n0', 1],
      ['x1c0s1b0n0', 1],
    ])
  })

  it.each([
    ['not JSON', '{', 'the epochs file is not JSON'],
    ['an array', '[]', 'the epochs file must hold a JSON object'],
    ['no global epoch', '{"nodes":{}}', 'globalEpoch must be a whole number of 0 or more'],
    ['a negative epoch', '{"globalEpoch":-1,"nodes":{}}', 'globalEpoch must be a whole number of 0 or more'],
    ['no nodes', '{"globalEpoch":0}', 'nodes must be an object of xname to epoch'],
    ['a fractional node epoch', '{"globalEpoch":0,"nodes":{"x1":1.5}}', 'the epoch of "x1" must be a whole number of 0 or more'],
  ])('refuses %s rather than reset (a reset would bring rotated tokens back)', (_, text, message) => {
    expect(() => parseSeedEpochs(text)).toThrow(message)
  })
})
