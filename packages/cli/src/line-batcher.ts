/** A writer that gathers lines and hands them on in batches. */
export interface LineBatcher {
  /** Queues one finished line (newline included). */
  write(line: string): void
  /** Hands on everything queued now. */
  flush(): void
}

/**
 * Batches log lines so a boot storm does not pay one stdout write (a synchronous syscall for files and pipes) per
 * request (OPS-5, OPS-7): lines queued during one turn of the event loop go out together on the next
 * `setImmediate`, or at once when `maxBytes` (default 64 KiB) is reached. Callers flush on shutdown.
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
      lines.push(line)
      bytes += line.length
      if (bytes >= maxBytes) flush()
      else if (!scheduled) {
        scheduled = true
        setImmediate(flush)
      }
    },
    flush,
  }
}
