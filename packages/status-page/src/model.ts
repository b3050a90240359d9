import type { BootEvent } from './events.js'
import { STATES } from './states.js'

/**
 * The page's copy of the fleet: every node (of the chosen group) in xname order and its state index. A snapshot
 * replaces it; a changes event updates the states of the nodes it names and reports which cells to repaint.
 */
export class FleetModel {
  xnames: readonly string[] = []
  states = new Uint8Array(0)
  #index = new Map<string, number>()
  readonly #counts = new Int32Array(STATES.length)
  /** Changes events applied since the last snapshot (for tests and the update timing). */
  updates = 0

  /** Applies an event; returns the indexes whose state changed, or `'all'` after a snapshot (repaint everything). */
  apply(event: BootEvent): number[] | 'all' {
    if (event.full) {
      this.xnames = event.xnames
      this.states = new Uint8Array(event.xnames.length)
      this.#index = new Map(event.xnames.map((xname, i) => [xname, i]))
      for (let i = 0; i < event.states.length; i++) this.states[i] = event.states.charCodeAt(i) - 48
      this.#counts.fill(0)
      for (const state of this.states) this.#counts[state] = (this.#counts[state] ?? 0) + 1
      this.updates = 0
      return 'all'
    }
    const changed: number[] = []
    event.xnames.forEach((xname, k) => {
      const i = this.#index.get(xname)
      if (i === undefined) return
      const before = this.states[i] as number
      const after = event.states.charCodeAt(k) - 48
      this.#counts[before] = (this.#counts[before] as number) - 1
      this.#counts[after] = (this.#counts[after] as number) + 1
      this.states[i] = after
      changed.push(i)
    })
    this.updates += 1
    return changed
  }

  /** Cells per state, kept from the model's own states (what the grid shows, not what the server says). */
  counts(): Record<string, number> {
    return Object.fromEntries(STATES.map((state, i) => [state, this.#counts[i] as number]))
  }

  /** The index of `xname`, or undefined. */
  indexOf(xname: string): number | undefined {
    return this.#index.get(xname)
  }
}
