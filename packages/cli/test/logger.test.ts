import fs from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { createServeLog, PIPE_ATOMIC_BYTES, type LogLevel } from '../src/logger.js'

// SPEC §16 Logs: pino's line shape (numeric level, time in epoch ms, pid, hostname, fields, msg), SEC-4 masking,
// no stacks in warn lines, and the batched PIPE_BUF-sized writes `--workers` relies on (OPS-5).

const NOW = Date.UTC(2025, 0, 2, 3, 4, 5, 6)
const clock = { now: () => NOW }

function capture(level: LogLevel, format: 'json' | 'pretty' = 'json') {
  const lines: string[] = []
  const log = createServeLog({ level, format, clock, write: (line) => lines.push(line), pid: 4242, hostname: 'mds-host' })
  return { lines, logger: log.logger, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) }
}

describe('createServeLog', () => {
  it("writes pino's line: numeric level, epoch-ms time, pid, hostname, the fields, msg", () => {
    const { lines, logger } = capture('info')
    logger.info('listening', { port: 8888, host: '0.0.0.0' })
    expect(lines).toEqual([`{"level":30,"time":${NOW},"pid":4242,"hostname":"mds-host","port":8888,"host":"0.0.0.0","msg":"listening"}\n`])
  })

  it("numbers the levels as pino does and drops entries below the configured one", () => {
    const all = capture('debug')
    for (const level of ['debug', 'info', 'warn', 'error'] as const) all.logger[level](level)
    expect(all.parsed().map((l) => [l.level, l.msg])).toEqual([[20, 'debug'], [30, 'info'], [40, 'warn'], [50, 'error']])
    const warn = capture('warn')
    for (const level of ['debug', 'info', 'warn', 'error'] as const) warn.logger[level](level)
    expect(warn.parsed().map((l) => l.msg)).toEqual(['warn', 'error'])
  })

  it('adds child fields to every entry', () => {
    const { parsed, logger } = capture('debug')
    logger.child({ worker: 2 }).child({ component: 'smd' }).debug('sync', { ms: 3 })
    expect(parsed()).toEqual([{ level: 20, time: NOW, pid: 4242, hostname: 'mds-host', worker: 2, component: 'smd', ms: 3, msg: 'sync' }])
  })

  it('masks secret-named fields, in child bindings too (SEC-4)', () => {
    const { lines, parsed, logger } = capture('info')
    logger.info('auth', { token: 'abc', smd_jwt: 'jwt', refresh_token: 'r', tokenMode: 'static', authorization: '' })
    logger.child({ bootstrapToken: 'boot' }).info('bound')
    expect(parsed()[0]).toMatchObject({ token: '***', smd_jwt: '***', refresh_token: '***', tokenMode: 'static', authorization: '' })
    expect(parsed()[1]).toMatchObject({ bootstrapToken: '***' })
    for (const secret of ['"abc"', '"jwt"', '"r"', '"boot"']) expect(lines.join('')).not.toContain(secret)
  })

  it('reduces errors to name, message, code and cause; a stack only at debug level', () => {
    const err = Object.assign(new Error('outer', { cause: new Error('inner') }), { code: 'E1' })
    const info = capture('info')
    info.logger.warn('failed', { err })
    expect(info.parsed()[0]?.err).toEqual({ name: 'Error', message: 'outer', code: 'E1', cause: { name: 'Error', message: 'inner' } })
    expect(info.lines[0]).not.toContain('    at ')
    const debug = capture('debug')
    debug.logger.warn('failed', { err })
    expect(String((debug.parsed()[0]?.err as { stack: string }).stack)).toContain('    at ')
  })

  it('writes pino-pretty lines in pretty format', () => {
    const { lines, logger } = capture('info', 'pretty')
    logger.warn('unknown config key', { key: 'prot', n: 2 })
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.006 [+-]\d{4}\] WARN \(4242\): unknown config key \{"key":"prot","n":2\}\n$/)
  })

  it('batches lines into few writes to a file descriptor, each at most PIPE_BUF and ending at a line end', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mds-logger-'))
    const file = join(dir, 'out.log')
    const fd = fs.openSync(file, 'w')
    // sonic-boom calls fs.write on the shared fs module: record every chunk it hands to the kernel.
    const chunks: string[] = []
    const real = fs.write.bind(fs) as (...args: unknown[]) => void
    vi.spyOn(fs, 'write').mockImplementation(((...args: unknown[]) => {
      if (args[0] === fd) chunks.push(String(args[1]))
      real(...args)
    }) as typeof fs.write)
    try {
      const log = createServeLog({ level: 'info', format: 'json', clock, fd, write: () => {}, maxWriteBytes: PIPE_ATOMIC_BYTES })
      for (let i = 0; i < 500; i++) log.logger.info('request', { reqId: `req-${i}`, route: '/meta-data', status: 200, ms: 0.4, pad: 'x'.repeat(i % 50) })
      await log.close()
      const written = await readFile(file, 'utf8')
      expect(written.trimEnd().split('\n').map((l) => (JSON.parse(l) as { reqId: string }).reqId)).toEqual(Array.from({ length: 500 }, (_, i) => `req-${i}`))
      expect(chunks.join('')).toBe(written)
      expect(chunks.every((c) => Buffer.byteLength(c) <= PIPE_ATOMIC_BYTES && c.endsWith('\n'))).toBe(true)
      expect(chunks.length).toBeLessThan(100)
    } finally {
      // Closing the log closes a descriptor other than stdout and stderr (sonic-boom).
      await rm(dir, { recursive: true, force: true })
    }
  })
})
