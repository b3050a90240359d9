/** A writer that gathers lines and hands them on in batches. */
export interface LineBatcher {
  /** Queues one finished line (newline included). */
  write(line: string): void
  /** Hands on everything queued now. */
  flush(): void
}

/** The largest write the kernel keeps whole on a pipe shared by several processes (Linux `PIPE_BUF`). */
export const PIPE_ATOMIC_BYTES = 4096

/** How long a queued line may wait for others before it is written, in milliseconds. */
export const LOG_FLUSH_DELAY_MS = 10

/**
 * Batches log lines so a boot storm does not pay one stdout write (a synchronous syscall for files and pipes) per
 * request (OPS-5, OPS-7): a line waits at most `maxDelayMs` (default {@link LOG_FLUSH_DELAY_MS}) for the lines after
 * it, and they go out together, or as soon as `maxBytes` (UTF-8 bytes, default 64 KiB) would be exceeded. A chunk is
 * never longer than `maxBytes` unless a single line is: worker processes sharing one stdout pipe pass `PIPE_BUF`
 * (4096), the size up to which the kernel never interleaves two writers' chunks. The timer never keeps the process
 * alive; callers flush on shutdown (and `createServeLog` on exit, so a crash keeps its last lines).
 *
 * Kept by measurement instead of pino's own asynchronous destination (sonic-boom), issue 17: in a storm of
 * one-request connections a turn logs one or two lines, and sonic-boom sends each such batch through the libuv
 * thread pool as its own write, about 10 µs of CPU per request more than one synchronous write per turn
 * (`npm run bench -- --loggers pino,pino-async,handwritten`, CHANGELOG). Issue 19: one write per 10 ms instead of
 * one per event-loop turn saved another ~10 µs of the ~140 µs per request of the 10,000-node close-mode storm.
 */
export function createLineBatcher(sink: (chunk: string) => void, maxBytes = 64 * 1024, maxDelayMs = LOG_FLUSH_DELAY_MS): LineBatcher {
  let lines: string[] = []
  let bytes = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    if (lines.length === 0) return
    const chunk = lines.join('')
    lines = []
    bytes = 0
    sink(chunk)
  }
  return {
    write(line) {
      const size = Buffer.byteLength(line)
      if (bytes > 0 && bytes + size > maxBytes) flush()
      lines.push(line)
      bytes += size
      if (bytes >= maxBytes) flush()
      else if (timer === undefined) {
        timer = setTimeout(flush, maxDelayMs)
        timer.unref()
      }
    },
    flush,
  }
}
