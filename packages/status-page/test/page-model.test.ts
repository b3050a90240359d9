import { describe, expect, it } from 'vitest'
import { createEventParser, type BootEvent, type ServerEvent } from '../src/events.js'
import { layoutGrid, nodeAt } from '../src/layout.js'
import { FleetModel } from '../src/model.js'

// BOOT /status: the page's pure parts (the DOM and canvas parts run in Chromium, in the CLI's e2e test).

const counts = { nodes: 0, idle: 0, booting: 0, configured: 0, 'phoned-home': 0, stuck: 0, failing: 0 }
const event = (full: boolean, xnames: string[], states: string): BootEvent => ({
  replica: { hostname: 'h', pid: 1, startedAt: '' },
  generatedAt: '',
  cursor: { seq: 0, unknown: 0 },
  full,
  xnames,
  states,
  summary: counts,
  groups: {},
  attention: [],
})

describe('server-sent event parsing', () => {
  it('splits events across chunk boundaries and ignores comments and retry lines', () => {
    const seen: ServerEvent[] = []
    const feed = createEventParser((e) => seen.push(e))
    feed('retry: 2000\n\nevent: snap')
    feed('shot\ndata: {"a":1}\n')
    feed('\n: keep-alive\n\nevent: changes\r\ndata: {"b":2}\r\n\r\n')
    expect(seen).toEqual([
      { event: 'snapshot', data: '{"a":1}' },
      { event: 'changes', data: '{"b":2}' },
    ])
  })
})

describe('FleetModel', () => {
  it('takes a snapshot, then applies changes to the named nodes only, keeping counts per state', () => {
    const model = new FleetModel()
    expect(model.apply(event(true, ['a', 'b', 'c'], '012'))).toBe('all')
    expect(model.counts()).toMatchObject({ idle: 1, booting: 1, configured: 1, stuck: 0 })
    expect(model.apply(event(false, ['c', 'zz'], '45'))).toEqual([2])
    expect([...model.states]).toEqual([0, 1, 4])
    expect(model.counts()).toMatchObject({ idle: 1, booting: 1, configured: 0, stuck: 1 })
    expect(model.updates).toBe(1)
  })
})

describe('grid layout', () => {
  it('starts each cabinet on a new row and wraps within one; hit-testing finds the node under a point', () => {
    const xnames = ['x1000c0s0b0n0', 'x1000c0s0b0n1', 'x1000c0s1b0n0', 'x1001c0s0b0n0']
    const layout = layoutGrid(xnames, 14 * 8) // 8 columns of 14 px
    expect([layout.columns, layout.rows, layout.cell]).toEqual([8, 2, 14])
    expect([...layout.row]).toEqual([0, 0, 0, 1])
    expect([...layout.column]).toEqual([0, 1, 2, 0])
    expect(nodeAt(layout, 15, 3)).toBe(1)
    expect(nodeAt(layout, 2, 16)).toBe(3)
    expect(nodeAt(layout, 30, 16)).toBeUndefined()
    const wide = layoutGrid(Array.from({ length: 20 }, (_, i) => `x1000c0s${i}b0n0`), 14 * 8)
    expect(wide.rows).toBe(3)
  })

  it('shrinks cells for large fleets', () => {
    expect(layoutGrid(Array.from({ length: 100_000 }, (_, i) => `x${1000 + (i >> 9)}c0s${(i >> 3) & 63}b0n${i & 7}`), 1200).cell).toBe(3)
  })
})
