// Typed-array growth for the boot record's columns and the node table builder: one allocation per doubling,
// never per request or per item.

type Typed = Float64Array | Int32Array | Uint16Array | Uint8Array

/** A copy of `array` with room for `length` items (the old items first, the rest zero). */
export function grown<T extends Typed>(array: T, length: number): T {
  const next = new (array.constructor as new (n: number) => T)(length)
  next.set(array)
  return next
}

/** The next capacity at or above `needed`: doubling from at least 64. */
export function nextCapacity(current: number, needed: number): number {
  let capacity = Math.max(64, current)
  while (capacity < needed) capacity *= 2
  return capacity
}
