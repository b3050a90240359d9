import { writeSync } from 'node:fs'
import { pino } from 'pino'
import { prettyFactory } from 'pino-pretty'

/** Where pino writes finished lines. */
export interface LogDestination {
  write(line: string): void
  /** Resolves once every queued line is written. */
  close(): Promise<void>
}

/** Default largest write to a file descriptor, bytes (sonic-boom's own default). */
const MAX_WRITE_BYTES = 16 * 1024

/**
 * The destination of {@link createServeLog}'s lines: with `fd`, pino's asynchronous destination (sonic-boom): a line
 * is queued and written with the others queued meanwhile, one write in flight at a time, each at most
 * `maxWriteBytes` and ending at a line end, so a storm of request lines costs few writes (OPS-7) and workers sharing
 * a pipe never interleave (OPS-5, `--workers`). Without `fd`, each line goes to `write` at once. With `format`
 * `pretty`, each line is rewritten by pino-pretty first (one line per entry, time in the local zone).
 */
export function logDestination(options: {
  readonly fd?: number
  readonly write: (line: string) => void
  readonly maxWriteBytes?: number
  readonly format: 'json' | 'pretty'
}): LogDestination {
  const target = options.fd === undefined ? direct(options.write) : asynchronous(options.fd, options.maxWriteBytes ?? MAX_WRITE_BYTES)
  if (options.format === 'json') return target
  const prettify = prettyFactory({ colorize: false, singleLine: true, translateTime: 'SYS:standard' })
  return { write: (line) => target.write(prettify(line)), close: () => target.close() }
}

// --- internal ---

function direct(write: (line: string) => void): LogDestination {
  return { write, close: async () => {} }
}

function asynchronous(fd: number, maxWrite: number): LogDestination {
  const boom = pino.destination({ fd, sync: false, minLength: 0, maxWrite })
  // A closed stdout (EPIPE: the reader went away) must not crash the service; the lines have nowhere to go.
  boom.on('error', () => {})
  let closed: Promise<void> | undefined
  return {
    // A line logged after close (a late callback during shutdown) is written directly rather than lost.
    write: (line) => void (closed === undefined ? boom.write(line) : writeSync(fd, line)),
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        boom.once('close', () => resolve())
        boom.end()
      })),
  }
}
