import { describe, expect, it } from 'vitest'
import { intToIpv4, ipv4ToInt } from '../../src/ip/ipv4-int.js'

describe('ipv4ToInt / intToIpv4', () => {
  it('round-trips the edges', () => {
    expect(ipv4ToInt('0.0.0.0')).toBe(0)
    expect(ipv4ToInt('10.0.0.1')).toBe(167772161)
    expect(ipv4ToInt('255.255.255.255')).toBe(4294967295)
    expect(intToIpv4(4294967295)).toBe('255.255.255.255')
    expect(intToIpv4(ipv4ToInt('100.97.0.255')! + 1)).toBe('100.97.1.0')
  })

  it('refuses non-IPv4 input', () => {
    expect(ipv4ToInt('::1')).toBeUndefined()
    expect(ipv4ToInt('junk')).toBeUndefined()
    expect(() => intToIpv4(-1)).toThrow(RangeError)
    expect(() => intToIpv4(2 ** 32)).toThrow(RangeError)
    expect(() => intToIpv4(1.5)).toThrow(RangeError)
  })
})
