import { describe, expect, it } from 'vitest'
import { createLogger } from '../src/logger.js'

const clock = { now: () => Date.UTC(2025, 0, 2, 3, 4, 5, 6) }

function capture(level: 'debug' | 'info' | 'warn' | 'error', format: 'json' | 'pretty' = 'json') {
  const lines: string[] = []
  return { lines, logger: createLogger({ level, format, clock, write: (line) => lines.push(line) }) }
}

describe('createLogger', () => {
  it('writes one JSON object per line with time, level, msg and fields', () => {
    const { lines, logger } = capture('info')
    logger.info('listening', { port: 8888 })
    expect(lines).toEqual(['{"time":"2025-01-02T03:04:05.006Z","level":"info","msg":"listening","port":8888}\n'])
  })

  it('stamps each line with the clock of its own millisecond', () => {
    let now = Date.UTC(2025, 0, 2, 3, 4, 5, 6)
    const lines: string[] = []
    const logger = createLogger({ level: 'info', format: 'json', clock: { now: () => now }, write: (line) => lines.push(line) })
    logger.info('a')
    logger.info('b')
    now += 1
    logger.info('c')
    now += 60_000
    logger.info('d')
    expect(lines.map((l) => (JSON.parse(l) as { time: string }).time)).toEqual([
      '2025-01-02T03:04:05.006Z',
      '2025-01-02T03:04:05.006Z',
      '2025-01-02T03:04:05.007Z',
      '2025-01-02T03:05:05.007Z',
    ])
  })

  it('drops entries below the level', () => {
    const { lines, logger } = capture('warn')
    logger.debug('a')
    logger.info('b')
    logger.warn('c')
    logger.error('d')
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['c', 'd'])
  })

  it('adds child fields to every entry', () => {
    const { lines, logger } = capture('debug')
    logger.child({ component: 'smd' }).child({ node: 'x1' }).debug('sync', { ms: 3 })
    expect(JSON.parse(lines[0] ?? '')).toEqual({ time: '2025-01-02T03:04:05.006Z', level: 'debug', msg: 'sync', component: 'smd', node: 'x1', ms: 3 })
  })

  it('masks secret-named fields (SEC-4)', () => {
    const { lines, logger } = capture('info')
    logger.info('auth', { token: 'abc', smd_jwt: 'jwt', refresh_token: 'r', tokenMode: 'static' })
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ token: '***', smd_jwt: '***', refresh_token: '***', tokenMode: 'static' })
    expect(lines[0]).not.toContain('abc')
  })

  it('reduces errors to name, message, code and cause', () => {
    const { lines, logger } = capture('info')
    const err = Object.assign(new Error('outer', { cause: new Error('inner') }), { code: 'E1' })
    logger.error('failed', { err })
    expect(JSON.parse(lines[0] ?? '').err).toEqual({ name: 'Error', message: 'outer', code: 'E1', cause: { name: 'Error', message: 'inner' } })
  })

  it('prints a readable line in pretty format', () => {
    const { lines, logger } = capture('info', 'pretty')
    logger.warn('unknown config key', { key: 'prot', n: 2 })
    expect(lines).toEqual(['2025-01-02T03:04:05.006Z WARN  unknown config key key=prot n=2\n'])
  })
})
