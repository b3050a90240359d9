import { describe, expect, it } from 'vitest'
import { ipFromValue, isIpv4Mapped, parseIp, unmapIpv4 } from '../../src/ip/ip.js'

describe('parseIp', () => {
  it.each([
    ['10.252.0.26', 4, '10.252.0.26', 0x0afc001an],
    ['0.0.0.0', 4, '0.0.0.0', 0n],
    ['255.255.255.255', 4, '255.255.255.255', 0xffffffffn],
    ['::', 6, '::', 0n],
    ['::1', 6, '::1', 1n],
    ['2001:DB8:0:0:0:0:0:1', 6, '2001:db8::1', 0x20010db8000000000000000000000001n],
    ['2001:db8:0000:1:0:0:0:1', 6, '2001:db8:0:1::1', 0x20010db8000000010000000000000001n],
    ['1:0:0:2:0:0:0:3', 6, '1:0:0:2::3', 0x0001000000000002000000000000_0003n],
    ['1:0:0:2:0:0:3:4', 6, '1::2:0:0:3:4', 0x00010000000000020000000000030004n],
    ['2001:db8:1:2:3:4:5:0', 6, '2001:db8:1:2:3:4:5:0', 0x20010db8000100020003000400050000n],
    ['1:2:3:4:5:6:7::', 6, '1:2:3:4:5:6:7:0', 0x00010002000300040005000600070000n],
    ['::ffff:127.0.0.1', 6, '::ffff:127.0.0.1', 0xffff7f000001n],
    ['::FFFF:7f00:1', 6, '::ffff:127.0.0.1', 0xffff7f000001n],
    ['64:ff9b::192.0.2.33', 6, '64:ff9b::c000:221', 0x0064ff9b0000000000000000c0000221n],
  ])('parses %s', (text, family, address, value) => {
    const ip = parseIp(text)
    expect(ip).toMatchObject({ family, address, value })
    expect(ip?.bytes.length).toBe(family === 4 ? 4 : 16)
  })

  it.each([
    '',
    ' 10.0.0.1',
    '10.0.0',
    '10.0.0.1.2',
    '10.0.0.256',
    '010.0.0.1',
    '10.00.0.1',
    '1e1.0.0.1',
    '10.0.0.-1',
    '10.0.0.1:80',
    '10.0.0.0/8',
    'junk',
    'unknown',
    ':',
    ':::',
    '1::2::3',
    ':1::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8::',
    '12345::',
    'g::1',
    '::ffff:1.2.3',
    '::1.2.3.4:5',
    '[::1]',
    'fe80::1%eth0',
  ])('refuses %j', (text) => {
    expect(parseIp(text)).toBeUndefined()
  })
})

describe('IPv4-mapped addresses', () => {
  it('unmaps ::ffff:a.b.c.d and leaves other addresses alone', () => {
    const mapped = parseIp('::ffff:10.252.0.26')!
    expect(isIpv4Mapped(mapped)).toBe(true)
    expect(unmapIpv4(mapped).address).toBe('10.252.0.26')
    expect(unmapIpv4(parseIp('::1')!).address).toBe('::1')
    expect(isIpv4Mapped(parseIp('10.0.0.1')!)).toBe(false)
  })
})

describe('ipFromValue', () => {
  it('round-trips values and refuses out-of-range ones', () => {
    expect(ipFromValue(4, 0x0a000001n).address).toBe('10.0.0.1')
    expect(ipFromValue(6, 1n).address).toBe('::1')
    expect(() => ipFromValue(4, 1n << 32n)).toThrow(RangeError)
    expect(() => ipFromValue(4, -1n)).toThrow(RangeError)
  })
})
