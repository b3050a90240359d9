import { describe, expect, it } from 'vitest'
import { parseDurationMs, parseDurationSeconds } from '../../src/text/duration.js'

describe('parseDurationSeconds (Go durations and plain seconds, CFG)', () => {
  it('reads plain seconds and Go durations, compound and signed', () => {
    expect(parseDurationSeconds('15')).toBe(15)
    expect(parseDurationSeconds(' 2.5 ')).toBe(2.5)
    expect(parseDurationSeconds('1m30s')).toBe(90)
    expect(parseDurationSeconds('500ms')).toBe(0.5)
    expect(parseDurationSeconds('1.5h')).toBe(5400)
    expect(parseDurationSeconds('-1s')).toBe(-1)
  })

  it('refuses anything else, days included (Go has no d)', () => {
    for (const text of ['', '1d', '1.5.2', 's', '1 m', '10x']) expect(parseDurationSeconds(text)).toBeUndefined()
  })
})

describe('parseDurationMs (boot-status since/until)', () => {
  it('reads one number and one unit of ms, s, m, h, d', () => {
    expect(parseDurationMs('500ms')).toBe(500)
    expect(parseDurationMs('90s')).toBe(90_000)
    expect(parseDurationMs('15m')).toBe(900_000)
    expect(parseDurationMs('2h')).toBe(7_200_000)
    expect(parseDurationMs('1d')).toBe(86_400_000)
  })

  it('refuses plain numbers, compound, signed and Go-only units', () => {
    for (const text of ['15', '1m30s', '-1s', '5ns', '.5s']) expect(parseDurationMs(text)).toBeUndefined()
  })
})
