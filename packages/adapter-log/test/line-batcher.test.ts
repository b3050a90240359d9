import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createLineBatcher, LOG_FLUSH_DELAY_MS } from '../src/line-batcher.js'

describe('createLineBatcher (OPS-5 logs without a write per request, OPS-7)', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('after a quiet spell, hands on the lines of one event-loop turn together at the end of the turn', () => {
    const chunks: string[] = []
    const out = createLineBatcher((chunk) => chunks.push(chunk))
    out.write('a\n')
    out.write('b\n')
    expect(chunks).toEqual([])
    vi.advanceTimersByTime(0)
    expect(chunks).toEqual(['a\nb\n'])
  })

  it('while lines keep coming, writes at most once per delay: later lines wait and go out together, in order', () => {
    const chunks: string[] = []
    const out = createLineBatcher((chunk) => chunks.push(chunk))
    out.write('a\n')
    vi.advanceTimersByTime(0)
    vi.advanceTimersByTime(3)
    out.write('b\n')
    vi.advanceTimersByTime(3)
    out.write('c\n')
    expect(chunks).toEqual(['a\n'])
    vi.advanceTimersByTime(LOG_FLUSH_DELAY_MS - 7)
    expect(chunks).toEqual(['a\n'])
    vi.advanceTimersByTime(1)
    expect(chunks).toEqual(['a\n', 'b\nc\n'])
    // Quiet again for a whole delay: the next line goes at the end of its turn.
    vi.advanceTimersByTime(LOG_FLUSH_DELAY_MS)
    out.write('d\n')
    vi.advanceTimersByTime(0)
    expect(chunks).toEqual(['a\n', 'b\nc\n', 'd\n'])
  })

  it('never hands on more than its byte limit unless one line is longer (PIPE_BUF for workers sharing a pipe)', () => {
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
    const chunks: string[] = []
    const out = createLineBatcher((chunk) => chunks.push(chunk), 1024, 50)
    out.write('x\n')
    vi.advanceTimersByTime(0)
    out.write('y\n')
    out.flush()
    expect(chunks).toEqual(['x\n', 'y\n'])
    vi.advanceTimersByTime(100)
    expect(chunks).toEqual(['x\n', 'y\n'])
  })

  it('does not keep the process alive for queued lines (its waits are unref’d)', () => {
    vi.useRealTimers()
    const immediate = vi.spyOn(globalThis, 'setImmediate')
    const timeout = vi.spyOn(globalThis, 'setTimeout')
    const out = createLineBatcher(() => {}, 1024, 10_000)
    out.write('x\n')
    out.flush()
    out.write('y\n')
    const handles = [...immediate.mock.results, ...timeout.mock.results].map((r) => r.value as NodeJS.Timeout | NodeJS.Immediate)
    immediate.mockRestore()
    timeout.mockRestore()
    expect(handles).toHaveLength(2)
    expect(handles.map((h) => h.hasRef())).toEqual([false, false])
    out.flush()
  })
})
