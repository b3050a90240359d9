import type * as crypto from 'node:crypto'
import { timingSafeEqual } from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import { MOCK_N0 } from '../../src/testing/fixtures.js'
import { seedSetup } from './_seed.test-setup.js'

// Not a mock of our own code: node:crypto's timingSafeEqual, wrapped so the test can see that every token
// comparison goes through it (SEED: comparisons are constant-time).
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof crypto>()
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) }
})

describe('token verification (SEED)', () => {
  it('compares the presented token with the derived one through timingSafeEqual, whole', async () => {
    const { seeds } = seedSetup()
    const token = seeds.tokenOf(MOCK_N0)
    vi.mocked(timingSafeEqual).mockClear()
    await seeds.identify(token, '10.252.0.26')
    const calls = vi.mocked(timingSafeEqual).mock.calls
    expect(calls).toHaveLength(1)
    const [presented, expected] = calls[0] as [Buffer, Buffer]
    expect(presented.toString('latin1')).toBe(token)
    expect(expected.toString('latin1')).toBe(token)
  })
})
