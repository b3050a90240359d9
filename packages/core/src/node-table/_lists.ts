// Growable typed arrays for the node table builder: a list of numbers costs 4 or 8 bytes each, not a JS array slot
// plus a heap number, and the finished table takes an exact copy.

type Numbers = Int32Array | Float64Array

/** A growable list of numbers in typed arrays made by `make` (doubling from 1,024). */
class NumberList<A extends Numbers> {
  private items: A
  length = 0

  constructor(private readonly make: (size: number) => A) {
    this.items = make(1024)
  }

  push(value: number): void {
    if (this.length === this.items.length) {
      const grown = this.make(this.items.length * 2)
      grown.set(this.items)
      this.items = grown
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

export const int32List = (): Int32List => new NumberList((size) => new Int32Array(size))
export const float64List = (): Float64List => new NumberList((size) => new Float64Array(size))
