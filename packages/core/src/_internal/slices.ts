import { systemClock, type Clock } from '../ports/clock.js'
import { defaultWarmScheduler, type WarmScheduler } from '../services/nocloud-prerender.js'

/** How {@link walkInSlices} yields the event loop and measures its slices. */
export interface SliceOptions {
  /** Default {@link defaultWarmScheduler} (`setImmediate`). */
  readonly scheduler?: Pick<WarmScheduler, 'soon'>
  /** Default `systemClock`. */
  readonly clock?: Clock
  /** Work per slice before yielding, in milliseconds (at least one item per slice). Default 4. */
  readonly sliceMs?: number
}

/**
 * Calls `visit` for every item of `items`, yielding the event loop after each `sliceMs` of work, so a walk over
 * an inventory of 100,000 nodes (each made on demand from the node table) never holds a request up for more than a
 * slice (issue 19). Items come from the one iterator `items` gives, so a walk sees one snapshot to its end.
 */
export function walkInSlices<T>(items: Iterable<T>, visit: (item: T) => void, options: SliceOptions = {}): Promise<void> {
  const { scheduler = defaultWarmScheduler, clock = systemClock, sliceMs = 4 } = options
  const iterator = items[Symbol.iterator]()
  return new Promise((resolve, reject) => {
    // The next slice runs inside the scheduler's task itself, with no promise hop between slices.
    const slice = (): void => {
      const began = clock.now()
      try {
        for (let next = iterator.next(); !next.done; next = iterator.next()) {
          visit(next.value)
          if (clock.now() - began >= sliceMs) return scheduler.soon(slice)
        }
      } catch (err) {
        return reject(err)
      }
      resolve()
    }
    slice()
  })
}
