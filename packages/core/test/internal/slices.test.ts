import { describe, expect, it } from 'vitest'
import { walkInSlices } from '../../src/_internal/slices.js'
import { createFixedClock } from '../../src/testing/index.js'

// Issue 19: walks over every inventory node (boot status, a template's worst case) yield the event loop.

function pacing() {
  const clock = createFixedClock()
  const ticking = { now: () => (clock.advance(1), clock.now()) } // each read of the clock: 1 ms later
  const turns: number[] = []
  let inTurn = 0
  const scheduler = {
    soon: (task: () => void) => {
      turns.push(inTurn)
      inTurn = 0
      queueMicrotask(task)
    },
  }
  return { ticking, scheduler, turns, visited: () => inTurn++ }
}

describe('walkInSlices', () => {
  it('visits every item in order, yielding after each slice of work', async () => {
    const p = pacing()
    const seen: number[] = []
    await walkInSlices(
      Array.from({ length: 30 }, (_, i) => i),
      (i) => (seen.push(i), p.visited()),
      { scheduler: p.scheduler, clock: p.ticking, sliceMs: 4 },
    )
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i))
    // One clock read per item, 1 ms each: a slice ends after 4 items.
    expect(p.turns.length).toBe(7)
    expect(p.turns.every((n) => n === 4)).toBe(true)
  })

  it('visits at least one item per slice however slow, and never yields for an empty walk', async () => {
    const p = pacing()
    let visits = 0
    await walkInSlices([1, 2, 3], () => (visits++, p.visited()), { scheduler: p.scheduler, clock: p.ticking, sliceMs: 0 })
    expect(visits).toBe(3)
    expect(p.turns).toEqual([1, 1, 1])
    const q = pacing()
    await walkInSlices([], () => q.visited(), { scheduler: q.scheduler, clock: q.ticking })
    expect(q.turns).toEqual([])
  })
})
