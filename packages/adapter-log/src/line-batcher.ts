/** A writer that gathers lines and hands them on in batches. */
export interface LineBatcher {
  /** Queues one finished line (newline included). */
  write(line: string): void
  /** Hands on everything queued now. */
  flush(): void
}

/** The largest write the kernel keeps whole on a pipe shared by several processes (Linux `PIPE_BUF`). */
export const PIPE_ATOMIC_BYTES = 4096

/**
 * Batches log lines so a boot storm does not pay one stdout write (a synchronous syscall for files and pipes) per
 * request (OPS-5, OPS-7): lines queued during one turn of the event loop go out together on the next
 * `setImmediate`, or as soon as `maxBytes` (UTF-8 bytes, default 64 KiB) would be exceeded. A chunk is never longer
 * than `maxBytes` unless a single line is: worker processes sharing one stdout pipe pass `PIPE_BUF` (4096), the
 * size up to which the kernel never interleaves two writers' chunks. Callers flush on shutdown.
 *
 * Kept by measurement instead of pino's own asynchronous destination (sonic-boom), issue 17: in a storm of
 * one-request connections a turn logs one or two lines, and sonic-boom sends each such batch through the libuv
 * thread pool as its own write, about 10 µs of CPU per request more than one synchronous write per turn
 * (`npm run bench -- --loggers pino,pino-async,handwritten`, CHANGELOG); pino still formats every line.
 */
export function createLineBatcher(sink: (chunk: string) => void, maxBytes = 64 * 1024): LineBatcher {
  let lines: string[] = []
  let bytes = 0
  let scheduled = false
  const flush = () => {
    scheduled = false
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
      else if (!scheduled) {
        scheduled = true
        setImmediate(flush)
      }
    },
    flush,
  }
}
