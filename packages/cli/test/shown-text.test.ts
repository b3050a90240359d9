import { describe, expect, it } from 'vitest'
import { createServeLog } from '@metadata-service/adapter-log'
import { runCli } from '../src/main.js'
import { fakeIo } from './helpers.js'

// SPEC §16 "Secrets" and issue 16: no log line and no error on stderr shows a password inside a URL or a raw
// control character, whatever logged it or whichever value carried it.

const clock = { now: () => Date.UTC(2025, 0, 2, 3, 4, 5, 6) }

/** A serve logger whose lines are collected; `lines()` flushes the batch first and splits it into lines. */
function capture(format: 'json' | 'pretty') {
  const chunks: string[] = []
  const log = createServeLog({ level: 'debug', format, clock, write: (chunk) => chunks.push(chunk) })
  const lines = async () => {
    await log.close()
    return chunks.join('').split(/(?<=\n)/)
  }
  return { lines, logger: log.logger }
}

describe('log lines (issue 16)', () => {
  it('mask URL passwords in any field, nested config objects and error messages, in both formats', async () => {
    for (const format of ['json', 'pretty'] as const) {
      const { lines: read, logger } = capture(format)
      logger.info('SMD client ready', { baseUrl: 'http://smd:s3cret@smd.local:27779' })
      logger.info('configuration', { config: { smd_url: 'https://u:s3cret@smd/', database_url: 'postgres://mds:s3cret@db/mds', list: ['http://a:s3cret@b'] } })
      logger.warn('sync failed', { error: new Error('connect ECONNREFUSED http://u:s3cret@smd/hsm/v2') })
      const lines = await read()
      expect(lines.join('')).not.toContain('s3cret')
      expect(lines.join('')).toContain('http://smd:***@smd.local:27779')
    }
  })

  it('write control characters as \\uXXXX: one entry is one line, and no terminal escape reaches the log', async () => {
    for (const format of ['json', 'pretty'] as const) {
      const { lines: read, logger } = capture(format)
      logger.info('request', { document: '\u0000\r\n{"level":"error"}\u001b[2J\u0085\u2028.yaml', msg2: 'a\u007fb' })
      const lines = await read()
      expect(lines).toHaveLength(1)
      const line = lines[0] ?? ''
      expect(line.endsWith('\n')).toBe(true)
      // eslint-disable-next-line no-control-regex -- the point of the test
      expect(line.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/)
      if (format === 'json') {
        expect((JSON.parse(line) as { document: string }).document).toBe('\u0000\r\n{"level":"error"}\u001b[2J\u0085\u2028.yaml')
      } else {
        expect(line).toContain('\\u001b[2J')
      }
    }
  })
})

describe('errors on stderr (issue 16)', () => {
  it('a bad URL setting is quoted back without its password', async () => {
    const io = fakeIo()
    const code = await runCli(['serve', '--smd-url', 'htp://admin:s3cret@smd.local/'], io)
    expect(code).not.toBe(0)
    expect(io.stderrText()).toContain('smd_url')
    expect(io.stderrText()).toContain('htp://admin:***@smd.local/')
    expect(io.stdoutText() + io.stderrText()).not.toContain('s3cret')
  })
})
