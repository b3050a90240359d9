// Growable typed arrays for the node table builder: a list of numbers costs 4 or 8 bytes each, not a JS array slot
// plus a heap number, and the finished table takes an exact copy.

import { grown } from '../_internal/typed-array-growth.js'

type Numbers = Int32Array | Float64Array

/** A growable list of numbers in a typed array, starting from `first` (1,024 slots) and doubling. */
class NumberList<A extends Numbers> {
  private items: A
  length = 0

  constructor(first: A) {
    this.items = first
  }

  push(value: number): void {
    if (this.length === this.items.length) {
      this.items = grown(this.items, this.items.length * 2)
    }
    this.items[this.length++] = value
  }

  /** The items so far, without copying (valid until the next push). */
  view(): A {
    return this.items.subarray(0, this.length) as A
  }

  /** The items so far, in an array of their own. */
  copy(): A {
    return this.items.slice(0, this.length) as A
  }
}

/** A growable list of 32-bit integers. */
export type Int32List = NumberList<Int32Array>
/** A growable list of 64-bit floats. */
export type Float64List = NumberList<Float64Array>

export const int32List = (): Int32List => new NumberList(new Int32Array(1024))
export const float64List = (): Float64List => new NumberList(new Float64Array(1024))
