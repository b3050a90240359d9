// Hashing and probing for the node table's open-addressing indexes (xname and address to node). Keys are hashed
// over their UTF-8 bytes, so a table built in one thread (or process) answers lookups in another.

import { mix32 } from '../_internal/hash-mix.js'

const utf8 = new TextEncoder()

/** FNV-1a over `bytes[start, end)`, mixed (murmur3 fmix32) so that the low bits used as the slot spread well. */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5
  for (let k = start; k < end; k++) {
    h ^= bytes[k]!
    h = Math.imul(h, 0x01000193)
  }
  return mix32(h)
}

/** A lookup key as the table stores it: its UTF-8 bytes only when it is not plain ASCII (then chars are bytes). */
export interface Key {
  readonly text: string
  readonly bytes: Uint8Array | undefined
  readonly hash: number
}

/** The {@link Key} of `text`, hashed as {@link hashBytes} hashes its UTF-8 bytes. */
export function keyOf(text: string): Key {
  let h = 0x811c9dc5
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k)
    if (c >= 0x80) {
      const bytes = utf8.encode(text)
      return { text, bytes, hash: hashBytes(bytes, 0, bytes.length) }
    }
    h ^= c
    h = Math.imul(h, 0x01000193)
  }
  return { text, bytes: undefined, hash: mix32(h) }
}

/** True when `bytes[start, end)` are the UTF-8 of `key`. */
export function keyMatches(key: Key, bytes: Uint8Array, start: number, end: number): boolean {
  const own = key.bytes
  if (own === undefined) {
    const text = key.text
    if (end - start !== text.length) return false
    for (let k = 0; k < text.length; k++) if (bytes[start + k] !== text.charCodeAt(k)) return false
    return true
  }
  if (end - start !== own.length) return false
  for (let k = 0; k < own.length; k++) if (bytes[start + k] !== own[k]) return false
  return true
}

/** Slots for `count` keys: a power of two at least twice `count` (probes stay short), at least 8. */
export function slotsFor(count: number): number {
  let size = 8
  while (size < count * 2) size *= 2
  return size
}
