import { MetadataError } from '../errors.js'

/**
 * The open/closed state and write queue a {@link ResourceStore} adapter needs: writes run one at a time (so a
 * store's check-and-write is atomic, RES-5), and after `close` every call rejects with STORAGE_FAILED.
 */
export interface StoreGate {
  /** Throws `MetadataError('STORAGE_FAILED', 'resource store is closed')` once the store is closed. */
  assertOpen(): void
  /** Runs `work` after every earlier queued work has settled; rejects at once if the store closed meanwhile. */
  serialised<T>(work: () => Promise<T>): Promise<T>
  /** Waits for queued work, marks the store closed, then runs `release` once; later calls return the same promise. */
  close(release: () => Promise<void>): Promise<void>
  /** True once `close` has started its release. */
  readonly closed: boolean
}

/** Creates an open {@link StoreGate}. */
export function createStoreGate(): StoreGate {
  let closed = false
  let closing: Promise<void> | undefined
  let queue: Promise<unknown> = Promise.resolve()
  const assertOpen = () => {
    if (closed) throw new MetadataError('STORAGE_FAILED', 'resource store is closed')
  }
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(() => {
      assertOpen()
      return work()
    })
    queue = result.catch(() => {})
    return result
  }
  return {
    assertOpen,
    serialised,
    close(release) {
      closing ??= serialised(async () => {
        closed = true
        await release()
      })
      return closing
    },
    get closed() {
      return closed
    },
  }
}
