/** A writer that gathers lines and hands them on in batches. */
export interface LineBatcher {
  /** Queues one finished line (newline included). */
  write(line: string): void
  /** Hands on everything queued now. */
  flush(): void
}

/** The largest write the kernel keeps whole on a pipe shared by several processes (Linux `PIPE_BUF`). */
export const PIPE_ATOMIC_BYTES = 4096

/** The shortest time between two writes while lines keep coming, in milliseconds. */
export const LOG_FLUSH_DELAY_MS = 10

/**
 * Batches log lines so a boot storm does not pay one stdout write (a synchronous syscall for files and pipes) per
 * request (OPS-5, OPS-7): at most one write per `maxDelayMs` (default {@link LOG_FLUSH_DELAY_MS}) while lines keep
 * coming. A line queued after a quiet spell goes out at the end of its event-loop turn; one queued within
 * `maxDelayMs` of the last write waits for the rest of that time, and the lines queued meanwhile go with it. A write
 * also happens as soon as `maxBytes` (UTF-8 bytes, default 64 KiB) would be exceeded, and a chunk is never longer
 * than `maxBytes` unless a single line is: worker processes sharing one stdout pipe pass `PIPE_BUF` (4096), the size
 * up to which the kernel never interleaves two writers' chunks. The waits never keep the process alive; callers
 * flush on shutdown (and `createServeLog` on exit, so a crash keeps its last lines). `now` is the clock in ms.
 *
 * Kept by measurement instead of pino's own asynchronous destination (sonic-boom), issue 17: in a storm of
 * one-request connections a turn logs one or two lines, and sonic-boom sends each such batch through the libuv
 * thread pool as its own write, about 10 µs of CPU per request more than one synchronous write per turn
 * (`npm run bench -- --loggers pino,pino-async,handwritten`, CHANGELOG). Issue 19: one write per 10 ms instead of
 * one per turn saved another ~10 µs of the ~140 µs per request of the 10,000-node close-mode storm.
 */
export function createLineBatcher(
  sink: (chunk: string) => void,
  maxBytes = 64 * 1024,
  maxDelayMs = LOG_FLUSH_DELAY_MS,
  now: () => number = Date.now,
): LineBatcher {
  let lines: string[] = []
  let bytes = 0
  // Cancels the wait for the next write while one is due (a timer, or the end of this turn after a quiet spell).
  let cancel: (() => void) | undefined
  let lastWrite = Number.NEGATIVE_INFINITY
  const flush = () => {
    cancel?.()
    cancel = undefined
    if (lines.length === 0) return
    const chunk = lines.join('')
    lines = []
    bytes = 0
    lastWrite = now()
    sink(chunk)
  }
  const schedule = () => {
    const wait = lastWrite + maxDelayMs - now()
    if (wait <= 0) {
      const turnEnd = setImmediate(flush).unref()
      cancel = () => clearImmediate(turnEnd)
    } else {
      const timer = setTimeout(flush, wait).unref()
      cancel = () => clearTimeout(timer)
    }
  }
  return {
    write(line) {
      const size = Buffer.byteLength(line)
      if (bytes > 0 && bytes + size > maxBytes) flush()
      lines.push(line)
      bytes += size
      if (bytes >= maxBytes) flush()
      else if (cancel === undefined) schedule()
    },
    flush,
  }
}
