import type { Random } from '../ports/random.js'

/**
 * A deterministic {@link Random}: call n (from 1) of `hex(bytes)` returns n in hex, zero-padded to `bytes * 2`
 * characters (the lowest digits kept when n is longer), so `hex(4)` gives `00000001`, `00000002`, …
 */
export function createSequenceRandom(): Random {
  let counter = 0
  return {
    hex(bytes) {
      counter += 1
      const width = bytes * 2
      return width === 0 ? '' : counter.toString(16).padStart(width, '0').slice(-width)
    },
  }
}
