// `npm run bench:loggers`: CPU time per request line of three ways to log it (issue 17), measured in-process,
// where other load on the machine matters far less than in the storm (`npm run bench -- --loggers …`):
//
//   handwritten  the logger pino replaced (handwritten-logger.js: JSON.stringify, lines batched per event-loop turn)
//   pino         pino formatting into the same per-turn batcher (the service: packages/adapter-log/src/log-destination.ts)
//   pino-async   pino into its own asynchronous destination, sonic-boom (pino-async-destination.js)
//
// Each logs 40,000 OPS-5 request lines to a file, `--per-turn` lines per event-loop turn (1: a storm of one-request
// connections) with a fixed slice of CPU work between lines standing in for the request; the work's own CPU is
// measured apart and subtracted. Every variant runs `--repeat` times, each in a fresh process; medians are printed.
// Needs Node.js 22.6 or later (it loads the service's line batcher from TypeScript with --experimental-strip-types).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const VARIANTS = ['handwritten', 'pino', 'pino-async']
const LINES = 40_000

/** One OPS-5 request line's fields, as adapter-http logs them. */
const request = (i) => ({ reqId: `0123456789abcdef${i % 10}`, method: 'GET', route: '/meta-data', status: 200, ms: 0.42, client: '10.252.0.26', node: 'x1000c0s0b0n0', document: 'meta-data' })

/** Stands in for answering a request (a few µs of CPU). */
function work() {
  let x = 0
  for (let j = 0; j < 2000; j++) x += Math.sqrt(j)
  return x
}

/** A logger `{ info(msg, fields) }` and its `close()`, writing into file descriptor `fd`. */
async function open(variant, fd) {
  const sink = (chunk) => writeSync(fd, chunk)
  if (variant === 'handwritten') {
    const { createServeLog } = await import('./handwritten-logger.js')
    const log = createServeLog({ level: 'info', clock: Date, write: sink })
    return { info: (msg, fields) => log.logger.info(msg, fields), close: log.close }
  }
  const { pino } = await import('pino')
  const destination =
    variant === 'pino'
      ? await (async () => {
          const { createLineBatcher } = await import('../packages/adapter-log/src/line-batcher.ts')
          const batcher = createLineBatcher(sink)
          return { write: (line) => batcher.write(line), close: async () => batcher.flush() }
        })()
      : (await import('./pino-async-destination.js')).logDestination({ fd })
  const p = pino({ level: 'info', timestamp: () => `,"time":${Date.now()}` }, destination)
  return { info: (msg, fields) => p.info(fields, msg), close: () => destination.close() }
}

/** In a child process: µs of CPU per line for `variant`, the stand-in work subtracted. */
async function measure(variant, perTurn, file) {
  const log = await open(variant, openSync(file, 'w'))
  const started = process.cpuUsage()
  let i = 0
  await new Promise((resolve) => {
    const turn = () => {
      for (let k = 0; k < perTurn && i < LINES; k++, i++) {
        work()
        log.info('request', request(i))
      }
      if (i < LINES) setImmediate(turn)
      else resolve()
    }
    turn()
  })
  await log.close()
  const spent = process.cpuUsage(started)
  const alone = process.cpuUsage()
  for (let j = 0; j < LINES; j++) work()
  const workOnly = process.cpuUsage(alone)
  return (spent.user + spent.system - workOnly.user - workOnly.system) / LINES
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

const { values } = parseArgs({
  options: {
    child: { type: 'string' },
    'per-turn': { type: 'string', default: '1,4' },
    repeat: { type: 'string', default: '5' },
    file: { type: 'string' },
  },
})
if (values.child !== undefined) {
  process.stdout.write(`${await measure(values.child, Number(values['per-turn']), values.file)}\n`)
} else {
  const dir = mkdtempSync(join(tmpdir(), 'mds-logger-cpu-'))
  try {
    process.stdout.write(`CPU µs per request line (median of ${values.repeat} processes; node ${process.version})\n`)
    for (const perTurn of values['per-turn'].split(',').map(Number)) {
      const row = VARIANTS.map((variant) => {
        const samples = Array.from({ length: Number(values.repeat) }, () =>
          Number(
            execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', fileURLToPath(import.meta.url), '--child', variant, '--per-turn', String(perTurn), '--file', join(dir, `${variant}.log`)], { encoding: 'utf8' }),
          ),
        )
        return `${variant} ${median(samples).toFixed(1)}`
      })
      process.stdout.write(`  ${perTurn} line(s) per turn: ${row.join(', ')}\n`)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
