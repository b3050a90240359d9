import { describe, expect, it } from 'vitest'
import { allocatePeerAddress, allowedIpHost } from '../../src/wireguard/allocator.js'
import { parseServerAddress } from '../../src/wireguard/server-address.js'

const hosts = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${from + i}/32`)

describe('allocatePeerAddress (WG-7)', () => {
  it('gives the first client of 100.97.0.1/16 100.97.0.2', () => {
    expect(allocatePeerAddress(parseServerAddress('100.97.0.1/16'), [])).toBe('100.97.0.2')
  })

  it('takes the lowest free address of the whole CIDR, below the server too', () => {
    const server = parseServerAddress('10.1.0.9/24')
    expect(allocatePeerAddress(server, [])).toBe('10.1.0.1')
    expect(allocatePeerAddress(server, ['10.1.0.1/32', '10.1.0.3/32'])).toBe('10.1.0.2')
    expect(allocatePeerAddress(server, hosts('10.1.0.', 1, 8))).toBe('10.1.0.10')
  })

  it('reuses a freed address (the lowest gap wins)', () => {
    const server = parseServerAddress('100.97.0.1/16')
    expect(allocatePeerAddress(server, ['100.97.0.3/32', '100.97.0.4/32'])).toBe('100.97.0.2')
  })

  it('ignores unparsable and foreign entries and honours bare addresses', () => {
    const server = parseServerAddress('100.97.0.1/16')
    expect(allocatePeerAddress(server, ['junk', '', 'fd00::2/128', '100.97.0.2'])).toBe('100.97.0.3')
  })

  it('wraps from .0.255 to .1.0 in a /23 (AT-38)', () => {
    expect(allocatePeerAddress(parseServerAddress('10.0.0.1/23'), hosts('10.0.0.', 2, 255))).toBe('10.0.1.0')
  })

  it('fills a /30 with one client, then reports exhaustion (AT-38)', () => {
    const server = parseServerAddress('10.0.0.1/30')
    expect(allocatePeerAddress(server, [])).toBe('10.0.0.2')
    expect(() => allocatePeerAddress(server, ['10.0.0.2/32'])).toThrow(
      expect.objectContaining({ code: 'POOL_EXHAUSTED', message: 'failed to allocate WireGuard IP: no available IPs' }),
    )
  })

  it('finds the last free address of a nearly full /16 and then runs out', () => {
    const server = parseServerAddress('100.97.0.1/16')
    const taken: string[] = []
    for (let third = 0; third < 256; third++) {
      for (let fourth = 0; fourth < 256; fourth++) taken.push(`100.97.${third}.${fourth}/32`)
    }
    const withoutLast = taken.filter((ip) => ip !== '100.97.255.254/32')
    expect(allocatePeerAddress(server, withoutLast)).toBe('100.97.255.254')
    expect(() => allocatePeerAddress(server, taken)).toThrow('failed to allocate WireGuard IP: no available IPs')
  })
})

describe('allowedIpHost', () => {
  it.each([
    ['100.97.0.2/32', '100.97.0.2'],
    [' 100.97.0.5/16 ', '100.97.0.5'],
    ['100.97.0.7', '100.97.0.7'],
    ['fd00::0:2/128', 'fd00::2'],
    ['100.97.0.2/33', undefined],
    ['nope', undefined],
  ])('%j → %j', (input, host) => {
    expect(allowedIpHost(input)).toBe(host)
  })
})
