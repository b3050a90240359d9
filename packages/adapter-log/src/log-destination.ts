import { prettyFactory } from 'pino-pretty'
import { shownText } from '@metadata-service/core'
import { createLineBatcher } from './line-batcher.js'

/** Where pino writes finished lines. */
export interface LogDestination {
  write(line: string): void
  /** Resolves once every queued line is handed on. */
  close(): Promise<void>
}

/**
 * The destination of {@link createServeLog}'s lines: under load, the lines of each `LOG_FLUSH_DELAY_MS` go to
 * `write` together, in chunks of at most `maxWriteBytes` that end at a line end (line-batcher.ts says why this and
 * not sonic-boom). With `format` `pretty`, each line is rewritten by pino-pretty first (one line per entry, time in
 * the local zone). Every line shows URLs without credentials and no raw control character (`shownText`: SPEC §16,
 * issue 16).
 */
export function logDestination(options: {
  readonly write: (chunk: string) => void
  readonly maxWriteBytes?: number
  readonly format: 'json' | 'pretty'
}): LogDestination {
  const batcher = createLineBatcher(options.write, options.maxWriteBytes)
  // Lines may wait up to LOG_FLUSH_DELAY_MS: a crash (an uncaught exception still emits `exit`) writes them first.
  const onExit = () => batcher.flush()
  process.once('exit', onExit)
  const close = async () => {
    process.off('exit', onExit)
    batcher.flush()
  }
  if (options.format === 'json') return { write: (line) => batcher.write(shown(line)), close }
  const prettify = prettyFactory({ colorize: false, singleLine: true, translateTime: 'SYS:standard' })
  return { write: (line) => batcher.write(shown(prettify(line))), close }
}

// --- internal ---

/** `line` through `shownText`, its own line end kept (shownText would write it as `\u000a`). */
function shown(line: string): string {
  return line.endsWith('\n') ? `${shownText(line.slice(0, -1))}\n` : shownText(line)
}
