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

  it('writes at once when the batch reaches its byte limit', () => {
    const chunks: string[] = []
    const out = createLineBatcher((chunk) => chunks.push(chunk), 4)
    out.write('ab\n')
    out.write('cd\n')
    expect(chunks).toEqual(['ab\ncd\n'])
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
