import { parseCidrList } from '@metadata-service/core'
import { describe, expect, it } from 'vitest'
import { ADMIN_ACCESS_REQUIRED, createCidrAuthorizer } from '../src/cidr-authorizer.js'

const authorize = createCidrAuthorizer(parseCidrList('127.0.0.0/8,::1/128'))
const request = (peer: string, kind: 'Group' | 'WireGuardPeer', write: boolean) => ({
  peer,
  kind,
  write,
  method: write ? 'POST' : 'GET',
})

describe('createCidrAuthorizer (SEC-6 without auth_jwks_url)', () => {
  it('leaves reads of the other kinds open to anyone', () => {
    expect(() => authorize(request('10.0.0.1', 'Group', false))).not.toThrow()
  })

  it('accepts writes and WireGuardPeer reads from admin_cidrs peers, IPv4-mapped included', () => {
    for (const peer of ['127.0.0.1', '::ffff:127.0.0.1', '::1']) {
      expect(() => authorize(request(peer, 'Group', true))).not.toThrow()
      expect(() => authorize(request(peer, 'WireGuardPeer', false))).not.toThrow()
    }
  })

  it('reads the peer in its ID-1 form: a zoned link-local peer matches a link-local admin range', () => {
    const linkLocal = createCidrAuthorizer(parseCidrList('fe80::/10'))
    expect(() => linkLocal(request('fe80::1%eth0', 'Group', true))).not.toThrow()
    expect(() => linkLocal(request('', 'Group', true))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }))
  })

  it('refuses writes and WireGuardPeer reads from anyone else with FORBIDDEN naming the connection address', () => {
    for (const [kind, write] of [['Group', true], ['WireGuardPeer', false]] as const) {
      expect(() => authorize(request('::ffff:10.252.0.26', kind, write))).toThrow(
        expect.objectContaining({ code: 'FORBIDDEN', message: `${ADMIN_ACCESS_REQUIRED}; this connection comes from 10.252.0.26, which is not in admin_cidrs` }),
      )
    }
  })

  it('has the SEC-6 text, naming admin_cidrs and the JWT option (§16)', () => {
    expect(ADMIN_ACCESS_REQUIRED).toBe('admin access requires a peer in admin_cidrs or a bearer token (configure auth_jwks_url)')
  })
})
