// Growable typed arrays for the node table builder: a list of numbers costs 4 or 8 bytes each, not a JS array slot
// plus a heap number, and the finished table takes an exact copy.

/** A growable list of 32-bit integers. */
export class Int32List {
  private items = new Int32Array(1024)
  length = 0

  push(value: number): void {
    if (this.length === this.items.length) {
      const grown = new Int32Array(this.items.length * 2)
      grown.set(this.items)
      this.items = grown
    }
    this.items[this.length++] = value
  }

  /** The items so far, without copying (valid until the next push). */
  view(): Int32Array {
    return this.items.subarray(0, this.length)
  }

  /** The items so far, in an array of their own. */
  copy(): Int32Array {
    return this.items.slice(0, this.length)
  }
}

/** A growable list of numbers (64-bit floats). */
export class Float64List {
  private items = new Float64Array(1024)
  length = 0

  push(value: number): void {
    if (this.length === this.items.length) {
      const grown = new Float64Array(this.items.length * 2)
      grown.set(this.items)
      this.items = grown
    }
    this.items[this.length++] = value
  }

  /** The items so far, in an array of their own. */
  copy(): Float64Array {
    return this.items.slice(0, this.length)
  }
}
