import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addressKey } from '../../src/ip/address-key.js'
import { parseIp } from '../../src/ip/ip.js'

describe('addressKey (SMD-9, ID-1)', () => {
  it('keys unparseable text as itself, matching nothing real', () => {
    expect(addressKey('not-an-ip')).toBe('not-an-ip')
    expect(addressKey('FD00:0:0::1')).toBe('fd00::1')
    expect(addressKey('10.0.0.1')).toBe('10.0.0.1')
    expect(addressKey('010.0.0.1')).toBe(parseIp('010.0.0.1')?.address ?? '010.0.0.1')
    expect(addressKey('256.0.0.1')).toBe('256.0.0.1')
  })

  it('agrees with the full parser on dotted text of every shape (the IPv4 fast path changes no key)', () => {
    const octet = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('00', '01', '007', '', '1a', '-1'))
    const dotted = fc.array(octet, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('.'))
    fc.assert(
      fc.property(dotted, (text) => {
        expect(addressKey(text)).toBe(parseIp(text)?.address ?? text)
      }),
      { numRuns: 5_000 },
    )
  })
})
