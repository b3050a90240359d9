import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLineBatcher, LOG_FLUSH_DELAY_MS } from '../src/line-batcher.js'

describe('createLineBatcher (OPS-5 logs without a write per request, OPS-7)', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('hands on the lines queued within its delay in one write, in order, and not before the delay', () => {
    vi.useFakeTimers()
    const chunks: string[] = []
    const out = createLineBatcher((chunk) => chunks.push(chunk))
    out.write('a\n')
    vi.advanceTimersByTime(LOG_FLUSH_DELAY_MS - 1)
    out.write('b\n')
    expect(chunks).toEqual([])
    vi.advanceTimersByTime(1)
    expect(chunks).toEqual(['a\nb\n'])
    // The next line starts a new window of its own.
    out.write('c\n')
    vi.advanceTimersByTime(LOG_FLUSH_DELAY_MS - 1)
    expect(chunks).toEqual(['a\nb\n'])
    vi.advanceTimersByTime(1)
    expect(chunks).toEqual(['a\nb\n', 'c\n'])
  })

  it('never hands on more than its byte limit unless one line is longer (PIPE_BUF for workers sharing a pipe)', () => {
    vi.useFakeTimers()
    const chunks: string[] = []
    const out = createLineBatcher((chunk) => chunks.push(chunk), 6)
    out.write('ab\n')
    out.write('cd\n') // 6 bytes: full, written at once
    expect(chunks).toEqual(['ab\ncd\n'])
    out.write('é\n') // 3 bytes in UTF-8
    out.write('xyz\n') // would make 7: the first goes alone
    out.write('long line\n') // longer than the limit on its own
    vi.advanceTimersByTime(LOG_FLUSH_DELAY_MS)
    expect(chunks).toEqual(['ab\ncd\n', 'é\n', 'xyz\n', 'long line\n'])
  })

  it('flush hands on what is queued at once and nothing twice', () => {
    vi.useFakeTimers()
    const chunks: string[] = []
    const out = createLineBatcher((chunk) => chunks.push(chunk), 1024, 50)
    out.write('x\n')
    out.flush()
    expect(chunks).toEqual(['x\n'])
    vi.advanceTimersByTime(100)
    expect(chunks).toEqual(['x\n'])
  })

  it('does not keep the process alive for queued lines (its timer is unref’d)', () => {
    const out = createLineBatcher(() => {})
    const spy = vi.spyOn(globalThis, 'setTimeout')
    out.write('x\n')
    const timer = spy.mock.results[0]?.value as NodeJS.Timeout
    spy.mockRestore()
    expect(timer.hasRef()).toBe(false)
    out.flush()
  })
})
