import { describe, expect, it } from 'vitest'
import { parseServerAddress } from '../../src/wireguard/server-address.js'

describe('parseServerAddress (WG-1)', () => {
  it('parses the server IP, network and broadcast of 100.97.0.1/16', () => {
    expect(parseServerAddress('100.97.0.1/16')).toEqual({
      serverIp: '100.97.0.1',
      interfaceCidr: '100.97.0.1/16',
      networkCidr: '100.97.0.0/16',
      network: '100.97.0.0',
      prefix: 16,
      broadcast: '100.97.255.255',
      serverInt: 0x64610001,
      networkInt: 0x64610000,
      broadcastInt: 0x6461ffff,
    })
  })

  it('accepts a /30 with the server on either host address', () => {
    expect(parseServerAddress('10.0.0.1/30').broadcast).toBe('10.0.0.3')
    expect(parseServerAddress('10.0.0.2/30').serverIp).toBe('10.0.0.2')
  })

  it.each([
    ['', 'invalid CIDR "": missing "/<prefix length>"'],
    ['100.97.0.1', 'invalid CIDR "100.97.0.1": missing "/<prefix length>"'],
    ['banana/16', 'invalid CIDR "banana/16": "banana" is not an IP address'],
    ['fd00::1/64', '"fd00::1/64" is not an IPv4 CIDR'],
    ['10.0.0.1/31', 'prefix length /31 leaves no client addresses (at most /30)'],
    ['10.0.0.1/32', 'prefix length /32 leaves no client addresses (at most /30)'],
    ['100.97.0.0/16', '100.97.0.0 is the network address of 100.97.0.0/16'],
    ['100.97.255.255/16', '100.97.255.255 is the broadcast address of 100.97.0.0/16'],
  ])('refuses %j: Invalid WIREGUARD_SERVER value: %s', (input, detail) => {
    let caught: unknown
    try {
      parseServerAddress(input)
    } catch (err) {
      caught = err
    }
    expect(caught).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: `Invalid WIREGUARD_SERVER value: ${detail}`,
      details: { detail },
    })
  })
})
