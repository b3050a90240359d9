import { describe, expect, it } from 'vitest'
import { normalizePeerAddress, parseHostAddress } from '../../src/ip/host-address.js'

describe('normalizePeerAddress (ID-1)', () => {
  it.each([
    ['10.252.0.26', '10.252.0.26'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::ffff:10.252.0.28', '10.252.0.28'],
    ['10.252.0.26:51234', '10.252.0.26'],
    ['[2001:db8::1]:8080', '2001:db8::1'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['[fe80::1%25eth0]:443', 'fe80::1'],
    ['[::ffff:127.0.0.1]:80', '127.0.0.1'],
    ['::1', '::1'],
    ['"10.252.0.27"', '10.252.0.27'],
    ['"[2001:db8::2]:4711"', '2001:db8::2'],
    ['  10.0.0.1  ', '10.0.0.1'],
  ])('%j → %s', (input, expected) => {
    expect(normalizePeerAddress(input)).toBe(expected)
  })

  it.each(['', 'junk', 'unknown', '_hidden', '10.0.0.1:port', '10.0.0.1%eth0', '[2001:db8::1', '[::1]x', '[::1]:', '300.0.0.1'])(
    'refuses %j',
    (input) => {
      expect(normalizePeerAddress(input)).toBeUndefined()
    },
  )

  it('returns the parsed address with its family', () => {
    expect(parseHostAddress('[::1]:80')).toMatchObject({ family: 6, address: '::1' })
    expect(parseHostAddress('::ffff:1.2.3.4')).toMatchObject({ family: 4, address: '1.2.3.4' })
  })
})
