/** Runs async tasks one at a time, in the order they were queued. */
export interface SerialQueue {
  /** Queues `task`; resolves or rejects as it does. A failed task does not stop the ones after it. */
  run<T>(task: () => Promise<T>): Promise<T>
  /** Resolves once the queue is empty, including tasks queued while waiting. */
  idle(): Promise<void>
}

/** A promise-chain mutex: WG-6 serialises the peer lifecycle, WG-8 applies device changes in store order. */
export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve()
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = tail.then(task)
      tail = result.catch(() => undefined)
      return result
    },
    async idle() {
      let seen: Promise<unknown>
      do {
        seen = tail
        await seen
      } while (seen !== tail)
    },
  }
}
