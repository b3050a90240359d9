// The hand-written logger that pino replaced (packages/cli/src/logger.ts before issue 17, now packages/adapter-log/src/pino-log.ts), kept here only so that
// `npm run bench -- --loggers pino,handwritten` and bench/logger-cpu.js can measure both. It writes the same lines
// as the pino logger (pino's shape, SPEC §16 Logs): each entry is one JSON.stringify of a fresh object, and the lines of one
// event-loop turn go to process.stdout in one write on the next setImmediate (at most `maxWriteBytes`, 64 KiB by
// default). The benchmark bundles it into a copy of the server in place of the real module (logger-variant.js);
// it exports what serve.ts takes from @metadata-service/adapter-log (createServeLog, PIPE_ATOMIC_BYTES). JSON format only.
import { hostname } from 'node:os'
// The batcher is the service's own (the same per-turn batching as before pino): bundled by esbuild, or loaded by
// Node.js with --experimental-strip-types (logger-cpu.js).
import { createLineBatcher } from '../packages/adapter-log/src/line-batcher.ts'
import { SECRET_FIELDS } from '../packages/adapter-log/src/secret-fields.ts'

export { PIPE_ATOMIC_BYTES } from '../packages/adapter-log/src/line-batcher.ts'

const LOG_LEVELS = ['debug', 'info', 'warn', 'error']
const LEVEL_NUMBER = { debug: 20, info: 30, warn: 40, error: 50 }

/**
 * Same options and result as `createServeLog` in packages/adapter-log/src/pino-log.ts (`format` is ignored: JSON only).
 * @param {{ level: string, clock: { now(): number }, write: (line: string) => void, maxWriteBytes?: number, pid?: number, hostname?: string }} options
 */
export function createServeLog(options) {
  const batcher = createLineBatcher(options.write, options.maxWriteBytes ?? 64 * 1024)
  const base = { pid: options.pid ?? process.pid, hostname: options.hostname ?? hostname() }
  return { logger: createLogger(options, batcher.write, base), close: async () => batcher.flush() }
}

function createLogger(options, write, bound) {
  const threshold = LOG_LEVELS.indexOf(options.level)
  const stacks = options.level === 'debug'
  const copy = (entry, fields) => {
    for (const key in fields) {
      const value = fields[key]
      entry[key] = SECRET_FIELDS.has(key) && value !== '' && value !== undefined ? '***' : plain(value, stacks)
    }
  }
  const emit = (level, msg, fields) => {
    if (LOG_LEVELS.indexOf(level) < threshold) return
    const entry = { level: LEVEL_NUMBER[level], time: options.clock.now() }
    copy(entry, bound)
    if (fields !== undefined) copy(entry, fields)
    entry.msg = msg
    write(`${JSON.stringify(entry)}\n`)
  }
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger(options, write, { ...bound, ...fields }),
  }
}

function plain(value, stacks) {
  if (!(value instanceof Error)) return value
  const out = { name: value.name, message: value.message }
  if (value.code !== undefined) out.code = value.code
  if (value.cause !== undefined) out.cause = plain(value.cause, stacks)
  if (stacks && value.stack !== undefined) out.stack = value.stack
  return out
}
