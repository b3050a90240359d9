// Fail loudly on stray console output: code under test logs through the Logger port (STYLE 15).
import { afterEach, beforeEach, vi } from 'vitest'

const methods = ['log', 'info', 'warn', 'error', 'debug'] as const
const calls: string[] = []

beforeEach(() => {
  calls.length = 0
  for (const m of methods) {
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
      calls.push(`console.${m}: ${args.map(String).join(' ')}`)
    })
  }
})

afterEach(() => {
  if (calls.length > 0) {
    const seen = calls.splice(0)
    throw new Error(`unexpected console output during test:\n${seen.join('\n')}`)
  }
})
