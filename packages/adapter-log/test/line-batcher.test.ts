import { describe, expect, it } from 'vitest'
import { createLineBatcher } from '../src/line-batcher.js'

describe('createLineBatcher (OPS-5 logs without a write per request)', () => {
  it('hands on the lines of one event-loop turn in one write, in order', async () => {
    const chunks: string[] = []
    const out = createLineBatcher((chunk) => chunks.push(chunk))
    out.write('a\n')
    out.write('b\n')
    expect(chunks).toEqual([])
    await new Promise((resolve) => setImmediate(resolve))
    expect(chunks).toEqual(['a\nb\n'])
  })

  it('never hands on more than its byte limit unless one line is longer (PIPE_BUF for workers sharing a pipe)', async () => {
    const chunks: string[] = []
    const out = createLineBatcher((chunk) => chunks.push(chunk), 6)
    out.write('ab\n')
    out.write('cd\n') // 6 bytes: full, written at once
    out.write('é\n') // 3 bytes in UTF-8
    out.write('xyz\n') // would make 7: the first goes alone
    out.write('long line\n') // longer than the limit on its own
    await new Promise((resolve) => setImmediate(resolve))
    expect(chunks).toEqual(['ab\ncd\n', 'é\n', 'xyz\n', 'long line\n'])
  })

  it('flush hands on what is queued and nothing twice', async () => {
    const chunks: string[] = []
    const out = createLineBatcher((chunk) => chunks.push(chunk))
    out.write('x\n')
    out.flush()
    await new Promise((resolve) => setImmediate(resolve))
    expect(chunks).toEqual(['x\n'])
  })
})
