import { nextCapacity } from '../_internal/typed-array-growth.js'

/**
 * A FIFO of boot starts (slot, start time), oldest first. Boots start in time order, so the head is always the
 * next boot to reach `stuck_after`: the stuck check pops what is due instead of scanning every node. One entry per
 * boot start; a node that rebooted leaves a stale entry that is skipped when popped.
 */
export class Deadlines {
  #slots = new Int32Array(0)
  #starts = new Float64Array(0)
  #head = 0
  #length = 0
  readonly #entry = { slot: 0, at: 0 }

  /** Entries waiting. */
  get length(): number {
    return this.#length
  }

  push(slot: number, at: number): void {
    if (this.#length === this.#slots.length) this.#grow()
    const i = (this.#head + this.#length) % this.#slots.length
    this.#slots[i] = slot
    this.#starts[i] = at
    this.#length += 1
  }

  /** The oldest entry (the same object every call: read it before the next call), or undefined. */
  peek(): { readonly slot: number; readonly at: number } | undefined {
    if (this.#length === 0) return undefined
    this.#entry.slot = this.#slots[this.#head] as number
    this.#entry.at = this.#starts[this.#head] as number
    return this.#entry
  }

  pop(): void {
    if (this.#length === 0) return
    this.#head = (this.#head + 1) % this.#slots.length
    this.#length -= 1
  }

  /** Doubles the ring, unrolling it so the head is at 0 again. */
  #grow(): void {
    const capacity = nextCapacity(this.#slots.length, this.#length + 1)
    const slots = new Int32Array(capacity)
    const starts = new Float64Array(capacity)
    for (let k = 0; k < this.#length; k++) {
      const i = (this.#head + k) % this.#slots.length
      slots[k] = this.#slots[i] as number
      starts[k] = this.#starts[i] as number
    }
    this.#slots = slots
    this.#starts = starts
    this.#head = 0
  }
}
