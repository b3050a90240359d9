/** Bytes of each buffer cached bodies are written into, one after another: 1 MiB. */
const SLAB_BYTES = 1 << 20
/** A body longer than this (UTF-16 units, up to 3 bytes each in UTF-8) gets a buffer of its own. */
const OWN_BUFFER_UNITS = Math.floor(SLAB_BYTES / 8 / 3)

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder()

/** Where {@link BodyStore.write} put a body: the buffer's number and the byte range in it. */
export interface BodyPlace {
  readonly slab: number
  readonly start: number
  readonly end: number
}

/**
 * One cache generation's document bodies, as UTF-8 in numbered buffers outside the V8 heap (issue 19: 200,000
 * bodies as strings were ~145 MB of heap at 100,000 nodes, which V8 lets grow about twofold before it collects, and
 * every major GC marks). Bodies are written one after another into buffers of {@link SLAB_BYTES}; each buffer
 * counts the bodies it holds and is freed at once (detached) when the last one is dropped, and all of them when the
 * generation is released, instead of at V8's next full collection.
 */
export class BodyStore {
  private readonly slabs: (Uint8Array<ArrayBuffer> | undefined)[] = []
  private readonly held: number[] = []
  // Numbers of freed buffers, reused so a long generation that churns does not grow `slabs` without end.
  private readonly free: number[] = []
  private current = -1
  private used = 0

  /** Copies `text` in and counts it against its buffer until {@link drop}. */
  write(text: string): BodyPlace {
    if (text.length > OWN_BUFFER_UNITS) {
      const own = utf8.encode(text)
      return { slab: this.adopt(own, 1), start: 0, end: own.length }
    }
    const open = this.slabs[this.current]
    let done = open === undefined ? undefined : utf8.encodeInto(text, open.subarray(this.used))
    if (done === undefined || done.read < text.length) {
      const previous = this.current
      const slab = new Uint8Array(SLAB_BYTES)
      this.current = this.adopt(slab, 0)
      this.used = 0
      // The full buffer was kept open for more bodies; with none of its own left it goes now.
      if (previous >= 0 && this.held[previous] === 0) this.discard(previous)
      done = utf8.encodeInto(text, slab)
    }
    const start = this.used
    this.used += done.written
    this.held[this.current]! += 1
    return { slab: this.current, start, end: this.used }
  }

  /** The body at `place`; undefined once the store has been released. */
  read(slab: number, start: number, end: number): string | undefined {
    const bytes = this.slabs[slab]
    return bytes === undefined ? undefined : fromUtf8.decode(bytes.subarray(start, end))
  }

  /** Forgets one body of buffer `slab`; the buffer is freed with its last body unless it is still being filled. */
  drop(slab: number): void {
    const left = (this.held[slab]! -= 1)
    if (left === 0 && slab !== this.current) this.discard(slab)
  }

  /** Frees every buffer at once; reads give undefined from then on. */
  release(): void {
    for (const [n, bytes] of this.slabs.entries()) if (bytes !== undefined) this.discard(n)
    this.current = -1
  }

  private adopt(bytes: Uint8Array<ArrayBuffer>, bodies: number): number {
    const n = this.free.pop() ?? this.slabs.length
    this.slabs[n] = bytes
    this.held[n] = bodies
    return n
  }

  private discard(n: number): void {
    // Detaching frees the bytes now; nothing else holds a view of them (reads decode into a new string).
    this.slabs[n]?.buffer.transfer(0)
    this.slabs[n] = undefined
    this.free.push(n)
  }
}
