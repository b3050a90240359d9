import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { LOG_FLUSH_DELAY_MS, PIPE_ATOMIC_BYTES } from '../src/line-batcher.js'
import { createServeLog, type LogLevel } from '../src/pino-log.js'

// SPEC §16 Logs: pino's line shape (numeric level, time in epoch ms, pid, hostname, fields, msg), SEC-4 masking,
// no stacks in warn lines, and the batched PIPE_BUF-sized writes `--workers` relies on (OPS-5).
// Lines wait up to LOG_FLUSH_DELAY_MS to be handed on together; each test closes the log (which flushes) before it looks.

const NOW = Date.UTC(2025, 0, 2, 3, 4, 5, 6)
const clock = { now: () => NOW }

function capture(level: LogLevel, format: 'json' | 'pretty' = 'json') {
  const chunks: string[] = []
  const log = createServeLog({ level, format, clock, write: (chunk) => chunks.push(chunk), pid: 4242, hostname: 'mds-host' })
  const lines = async () => {
    await log.close()
    return chunks.join('').split(/(?<=\n)/).filter(Boolean)
  }
  return { lines, logger: log.logger, parsed: async () => (await lines()).map((l) => JSON.parse(l) as Record<string, unknown>) }
}

describe('createServeLog', () => {
  it("writes pino's line: numeric level, epoch-ms time, pid, hostname, the fields, msg", async () => {
    const { lines, logger } = capture('info')
    logger.info('listening', { port: 8888, host: '0.0.0.0' })
    expect(await lines()).toEqual([`{"level":30,"time":${NOW},"pid":4242,"hostname":"mds-host","port":8888,"host":"0.0.0.0","msg":"listening"}\n`])
  })

  it('numbers the levels as pino does and drops entries below the configured one', async () => {
    const all = capture('debug')
    for (const level of ['debug', 'info', 'warn', 'error'] as const) all.logger[level](level)
    expect((await all.parsed()).map((l) => [l.level, l.msg])).toEqual([[20, 'debug'], [30, 'info'], [40, 'warn'], [50, 'error']])
    const warn = capture('warn')
    for (const level of ['debug', 'info', 'warn', 'error'] as const) warn.logger[level](level)
    expect((await warn.parsed()).map((l) => l.msg)).toEqual(['warn', 'error'])
  })

  it('adds child fields to every entry', async () => {
    const { parsed, logger } = capture('debug')
    logger.child({ worker: 2 }).child({ component: 'smd' }).debug('sync', { ms: 3 })
    expect(await parsed()).toEqual([{ level: 20, time: NOW, pid: 4242, hostname: 'mds-host', worker: 2, component: 'smd', ms: 3, msg: 'sync' }])
  })

  it('masks secret-named fields, in child bindings too (SEC-4)', async () => {
    const { lines, parsed, logger } = capture('info')
    logger.info('auth', { token: 'abc', smd_jwt: 'jwt', refresh_token: 'r', tokenMode: 'static', authorization: '' })
    logger.child({ bootstrapToken: 'boot' }).info('bound')
    const [first, second] = await parsed()
    expect(first).toMatchObject({ token: '***', smd_jwt: '***', refresh_token: '***', tokenMode: 'static', authorization: '' })
    expect(second).toMatchObject({ bootstrapToken: '***' })
    for (const secret of ['"abc"', '"jwt"', '"r"', '"boot"']) expect((await lines()).join('')).not.toContain(secret)
  })

  it('reduces errors to name, message, code and cause; a stack only at debug level', async () => {
    const err = Object.assign(new Error('outer', { cause: new Error('inner') }), { code: 'E1' })
    const info = capture('info')
    info.logger.warn('failed', { err })
    expect((await info.parsed())[0]?.err).toEqual({ name: 'Error', message: 'outer', code: 'E1', cause: { name: 'Error', message: 'inner' } })
    expect((await info.lines())[0]).not.toContain('    at ')
    const debug = capture('debug')
    debug.logger.warn('failed', { err })
    expect(String(((await debug.parsed())[0]?.err as { stack: string }).stack)).toContain('    at ')
  })

  it('writes pino-pretty lines in pretty format', async () => {
    const { lines, logger } = capture('info', 'pretty')
    logger.warn('unknown config key', { key: 'prot', n: 2 })
    const [line, ...more] = await lines()
    expect(more).toEqual([])
    expect(line).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.006 [+-]\d{4}\] WARN \(4242\): unknown config key \{"key":"prot","n":2\}\n$/)
  })

  it('hands queued lines on together, in chunks of at most PIPE_BUF that end at a line end', async () => {
    const chunks: string[] = []
    const log = createServeLog({ level: 'info', format: 'json', clock, write: (chunk) => chunks.push(chunk), maxWriteBytes: PIPE_ATOMIC_BYTES })
    for (let i = 0; i < 500; i++) log.logger.info('request', { reqId: `req-${i}`, route: '/meta-data', status: 200, ms: 0.4, pad: 'x'.repeat(i % 50) })
    await new Promise((resolve) => setTimeout(resolve, LOG_FLUSH_DELAY_MS + 20))
    const lines = chunks.join('').trimEnd().split('\n')
    expect(lines.map((l) => (JSON.parse(l) as { reqId: string }).reqId)).toEqual(Array.from({ length: 500 }, (_, i) => `req-${i}`))
    expect(chunks.every((c) => Buffer.byteLength(c) <= PIPE_ATOMIC_BYTES && c.endsWith('\n'))).toBe(true)
    expect(chunks.length).toBeLessThan(50)
    await log.close()
  })

  it('writes the lines still queued when the process dies of an uncaught exception', () => {
    // The built package, as `serve` runs it: a line logged just before the crash reaches stdout.
    const script = `
      import { createServeLog } from '@metadata-service/adapter-log'
      const log = createServeLog({ level: 'info', format: 'json', clock: { now: () => 1 }, write: (chunk) => process.stdout.write(chunk) })
      log.logger.info('last words', { reqId: 'r-1' })
      setImmediate(() => { throw new Error('boom') })
    `
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: import.meta.dirname, encoding: 'utf8' })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('boom')
    expect(JSON.parse(run.stdout)).toMatchObject({ msg: 'last words', reqId: 'r-1' })
  })
})
