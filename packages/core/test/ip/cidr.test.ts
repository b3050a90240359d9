import { describe, expect, it } from 'vitest'
import { isMetadataError } from '../../src/errors.js'
import { anyCidrContains, cidrContains, parseCidr, parseCidrList } from '../../src/ip/cidr.js'
import { parseIp } from '../../src/ip/ip.js'

describe('parseCidr', () => {
  it('keeps the written address and clears host bits in the network', () => {
    const c = parseCidr('100.97.0.1/16')
    expect(c).toMatchObject({ family: 4, prefix: 16, text: '100.97.0.0/16' })
    expect(c.address.address).toBe('100.97.0.1')
    expect(c.network.address).toBe('100.97.0.0')
  })

  it.each([
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['10.0.0.7/32', '10.0.0.7/32'],
    ['::/0', '::/0'],
    ['::1/128', '::1/128'],
    ['2001:DB8::1/32', '2001:db8::/32'],
    [' 127.0.0.0/8 ', '127.0.0.0/8'],
  ])('parses %j as %s', (input, text) => {
    expect(parseCidr(input).text).toBe(text)
  })

  it.each([
    ['10.0.0.1', 'invalid CIDR "10.0.0.1": missing "/<prefix length>"'],
    ['10.0.0.0/33', 'invalid CIDR "10.0.0.0/33": prefix length must be 0-32'],
    ['::/129', 'invalid CIDR "::/129": prefix length must be 0-128'],
    ['10.0.0.0/', 'invalid CIDR "10.0.0.0/": prefix length must be 0-32'],
    ['10.0.0.0/-1', 'invalid CIDR "10.0.0.0/-1": prefix length must be 0-32'],
    ['10.0.0.0/8/8', 'invalid CIDR "10.0.0.0/8/8": prefix length must be 0-32'],
    ['10.0.0.256/8', 'invalid CIDR "10.0.0.256/8": "10.0.0.256" is not an IP address'],
    ['junk/8', 'invalid CIDR "junk/8": "junk" is not an IP address'],
  ])('refuses %j with a clear message', (input, message) => {
    let caught: unknown
    try {
      parseCidr(input)
    } catch (err) {
      caught = err
    }
    expect(isMetadataError(caught, 'VALIDATION_FAILED')).toBe(true)
    expect((caught as Error).message).toBe(message)
    expect((caught as { details: { input: string } }).details.input).toBe(input)
  })
})

describe('cidrContains', () => {
  it('matches inside, on the edges and not outside', () => {
    const c = parseCidr('192.168.1.0/24')
    expect(cidrContains(c, '192.168.1.0')).toBe(true)
    expect(cidrContains(c, '192.168.1.255')).toBe(true)
    expect(cidrContains(c, '192.168.2.0')).toBe(false)
    expect(cidrContains(c, 'junk')).toBe(false)
  })

  it('handles /0, /32 and /128', () => {
    expect(cidrContains(parseCidr('0.0.0.0/0'), '203.0.113.5')).toBe(true)
    expect(cidrContains(parseCidr('0.0.0.0/0'), '::1')).toBe(false)
    expect(cidrContains(parseCidr('::/0'), '2001:db8::1')).toBe(true)
    expect(cidrContains(parseCidr('10.0.0.7/32'), '10.0.0.7')).toBe(true)
    expect(cidrContains(parseCidr('10.0.0.7/32'), '10.0.0.8')).toBe(false)
    expect(cidrContains(parseCidr('::1/128'), '::1')).toBe(true)
    expect(cidrContains(parseCidr('::1/128'), '::2')).toBe(false)
  })

  it('matches an IPv4-mapped address against an IPv4 block', () => {
    expect(cidrContains(parseCidr('127.0.0.0/8'), '::ffff:127.0.0.1')).toBe(true)
    expect(cidrContains(parseCidr('127.0.0.0/8'), parseIp('::ffff:127.0.0.1')!)).toBe(true)
  })

  it('anyCidrContains is false for an empty list', () => {
    expect(anyCidrContains([], '127.0.0.1')).toBe(false)
    expect(anyCidrContains(parseCidrList('10.0.0.0/8,::1/128'), '::1')).toBe(true)
  })
})

describe('parseCidrList', () => {
  it('splits, trims and skips empty items', () => {
    expect(parseCidrList('127.0.0.0/8,::1/128').map((c) => c.text)).toEqual(['127.0.0.0/8', '::1/128'])
    expect(parseCidrList(' 10.0.0.0/8 , , 192.168.1.0/24 ').map((c) => c.text)).toEqual(['10.0.0.0/8', '192.168.1.0/24'])
    expect(parseCidrList('')).toEqual([])
    expect(parseCidrList('  ')).toEqual([])
  })

  it('throws for the first bad item', () => {
    expect(() => parseCidrList('10.0.0.0/8,nope')).toThrow('invalid CIDR "nope": missing "/<prefix length>"')
  })
})
