import { describe, expect, it } from 'vitest'
import { parseCidrList, type Cidr } from '../../src/ip/cidr.js'
import { requestClient } from '../../src/identity/client-address.js'
import type { RequestHeaders } from '../../src/identity/headers.js'

const LOOPBACK = parseCidrList('127.0.0.0/8,::1/128')
const LAN = parseCidrList('192.168.1.0/24')

// The two halves of requestClient, as most cases below ask about one of them.
const clientAddress = (peer: string, headers: RequestHeaders, trusted: readonly Cidr[]) => requestClient(peer, headers, trusted).address
const isTrustedPeer = (peer: string, trusted: readonly Cidr[]) => requestClient(peer, {}, trusted).peerTrusted

describe('clientAddress: untrusted peers (ID-2, AT-19)', () => {
  it.each([
    [{ 'x-forwarded-for': '10.252.0.26' }],
    [{ 'x-real-ip': '10.252.0.26' }],
    [{ forwarded: 'for=10.252.0.26' }],
    [{ 'true-client-ip': '10.252.0.26' }],
  ])('ignores %j from 192.168.1.1', (headers) => {
    expect(clientAddress('192.168.1.1', headers, LOOPBACK)).toBe('192.168.1.1')
  })

  it('trusts nobody with an empty list', () => {
    expect(clientAddress('127.0.0.1', { 'x-forwarded-for': '10.252.0.26' }, [])).toBe('127.0.0.1')
  })
})

describe('clientAddress: trusted peers (ID-3, AT-20)', () => {
  it('walks X-Forwarded-For right to left, skipping trusted hops', () => {
    const headers = { 'x-forwarded-for': '203.0.113.5, 10.252.0.26, 192.168.1.7' }
    expect(clientAddress('192.168.1.1', headers, LAN)).toBe('10.252.0.26')
  })

  it('takes the leftmost entry when every hop is trusted', () => {
    expect(clientAddress('192.168.1.1', { 'x-forwarded-for': '192.168.1.9, 192.168.1.7' }, LAN)).toBe('192.168.1.9')
  })

  it('reads a quoted Forwarded for= value', () => {
    expect(clientAddress('192.168.1.1', { forwarded: 'for="10.252.0.27";proto=https' }, LAN)).toBe('10.252.0.27')
  })

  it('walks several Forwarded elements the same way, names case-insensitive', () => {
    const headers = { forwarded: 'for=203.0.113.5, For="[2001:db8::7]:4711";proto=https, for=192.168.1.7' }
    expect(clientAddress('192.168.1.1', headers, LAN)).toBe('2001:db8::7')
  })

  it('voids the header on any non-IP entry and uses the peer', () => {
    expect(clientAddress('192.168.1.1', { 'x-forwarded-for': 'junk' }, LAN)).toBe('192.168.1.1')
    expect(clientAddress('192.168.1.1', { 'x-forwarded-for': '10.252.0.26, junk' }, LAN)).toBe('192.168.1.1')
    expect(clientAddress('192.168.1.1', { 'x-forwarded-for': '10.252.0.26,,10.252.0.27' }, LAN)).toBe('192.168.1.1')
    expect(clientAddress('192.168.1.1', { forwarded: 'for=unknown' }, LAN)).toBe('192.168.1.1')
    expect(clientAddress('192.168.1.1', { forwarded: 'for=_hidden, for=10.252.0.26' }, LAN)).toBe('192.168.1.1')
    expect(clientAddress('192.168.1.1', { 'x-real-ip': 'nope' }, LAN)).toBe('192.168.1.1')
  })

  it('does not fall through to a later header when the first present one is void', () => {
    const headers = { 'x-forwarded-for': 'junk', 'x-real-ip': '10.252.0.26' }
    expect(clientAddress('192.168.1.1', headers, LAN)).toBe('192.168.1.1')
  })

  it('prefers X-Forwarded-For, then Forwarded, then X-Real-IP', () => {
    const all = { 'x-forwarded-for': '10.0.0.1', forwarded: 'for=10.0.0.2', 'x-real-ip': '10.0.0.3' }
    expect(clientAddress('127.0.0.1', all, LOOPBACK)).toBe('10.0.0.1')
    expect(clientAddress('127.0.0.1', { forwarded: 'for=10.0.0.2', 'x-real-ip': '10.0.0.3' }, LOOPBACK)).toBe('10.0.0.2')
    expect(clientAddress('127.0.0.1', { forwarded: 'proto=https', 'x-real-ip': '10.0.0.3' }, LOOPBACK)).toBe('10.0.0.3')
    expect(clientAddress('127.0.0.1', { 'x-forwarded-for': '  ', 'x-real-ip': '10.0.0.3' }, LOOPBACK)).toBe('10.0.0.3')
  })

  it('ignores True-Client-IP', () => {
    expect(clientAddress('127.0.0.1', { 'true-client-ip': '10.252.0.26' }, LOOPBACK)).toBe('127.0.0.1')
  })

  it('joins repeated X-Forwarded-For instances in order', () => {
    const headers = { 'x-forwarded-for': ['10.252.0.26', '203.0.113.9, 127.0.0.5'] }
    expect(clientAddress('127.0.0.1', headers, LOOPBACK)).toBe('203.0.113.9')
    expect(clientAddress('127.0.0.1', { 'x-forwarded-for': ['10.252.0.26', 'junk'] }, LOOPBACK)).toBe('127.0.0.1')
  })

  it('strips ports, brackets, quotes and IPv4 mapping from entries', () => {
    expect(clientAddress('127.0.0.1', { 'x-forwarded-for': '10.252.0.26:51000' }, LOOPBACK)).toBe('10.252.0.26')
    expect(clientAddress('127.0.0.1', { 'x-forwarded-for': '[2001:db8::1]:8080' }, LOOPBACK)).toBe('2001:db8::1')
    expect(clientAddress('127.0.0.1', { 'x-forwarded-for': '"[2001:db8::1]"' }, LOOPBACK)).toBe('2001:db8::1')
    expect(clientAddress('127.0.0.1', { 'x-forwarded-for': '2001:DB8::1' }, LOOPBACK)).toBe('2001:db8::1')
    expect(clientAddress('127.0.0.1', { 'x-forwarded-for': '::ffff:10.252.0.26' }, LOOPBACK)).toBe('10.252.0.26')
    expect(clientAddress('127.0.0.1', { 'x-real-ip': '[2001:db8::2]:80' }, LOOPBACK)).toBe('2001:db8::2')
  })

  it('matches header names case-insensitively', () => {
    expect(clientAddress('127.0.0.1', { 'X-Forwarded-For': '10.252.0.26' }, LOOPBACK)).toBe('10.252.0.26')
  })
})

describe('clientAddress: the peer itself (ID-1, AT-21)', () => {
  it('unmaps ::ffff:127.0.0.1 and then trusts it as loopback', () => {
    expect(clientAddress('::ffff:127.0.0.1', { 'x-forwarded-for': '10.252.0.28' }, LOOPBACK)).toBe('10.252.0.28')
    expect(clientAddress('::ffff:127.0.0.1', { 'x-forwarded-for': '10.100.0.26' }, LOOPBACK)).toBe('10.100.0.26')
  })

  it('trusts ::1 by default and normalises an untrusted peer', () => {
    expect(clientAddress('::1', { 'x-forwarded-for': '10.252.0.26' }, LOOPBACK)).toBe('10.252.0.26')
    expect(clientAddress('[2001:db8::1]:8080', { 'x-forwarded-for': '10.252.0.26' }, LOOPBACK)).toBe('2001:db8::1')
    expect(clientAddress('::ffff:10.252.0.26', {}, LOOPBACK)).toBe('10.252.0.26')
    expect(clientAddress('fe80::1%eth0', {}, LOOPBACK)).toBe('fe80::1')
  })

  it('returns an unparsable peer unchanged and never trusts it', () => {
    expect(clientAddress(' weird ', { 'x-forwarded-for': '10.252.0.26' }, parseCidrList('0.0.0.0/0'))).toBe('weird')
    expect(isTrustedPeer('weird', parseCidrList('0.0.0.0/0'))).toBe(false)
    expect(isTrustedPeer('::ffff:127.0.0.1', LOOPBACK)).toBe(true)
    expect(isTrustedPeer('127.0.0.1', [])).toBe(false)
  })
})

describe('requestClient: address and peer trust of one request (ID-1..ID-3)', () => {
  it.each([
    ['127.0.0.1', { 'x-forwarded-for': '10.252.0.26' }, LOOPBACK, '10.252.0.26', true],
    ['::ffff:127.0.0.1', { forwarded: 'for="[2001:db8::7]:4711"' }, LOOPBACK, '2001:db8::7', true],
    ['192.168.1.1', { 'x-forwarded-for': '10.252.0.26' }, LOOPBACK, '192.168.1.1', false],
    ['192.168.1.1', { 'x-forwarded-for': '203.0.113.5, 10.252.0.26, 192.168.1.7' }, LAN, '10.252.0.26', true],
    ['192.168.1.1', { 'x-forwarded-for': 'junk' }, LAN, '192.168.1.1', true],
    ['weird', { 'x-real-ip': '10.0.0.1' }, parseCidrList('0.0.0.0/0'), 'weird', false],
    ['', {}, LOOPBACK, '', false],
  ])('from %s with %j: address and trust together', (peer, headers, trusted, address, peerTrusted) => {
    expect(requestClient(peer, headers, trusted)).toEqual({ address, peerTrusted })
  })

  it('names the forwarded client only for a trusted peer', () => {
    expect(requestClient('127.0.0.1', { 'x-forwarded-for': '10.252.0.26' }, LOOPBACK)).toEqual({ address: '10.252.0.26', peerTrusted: true })
    expect(requestClient('10.1.1.1', { 'x-forwarded-for': '10.252.0.26' }, LOOPBACK)).toEqual({ address: '10.1.1.1', peerTrusted: false })
  })
})
