import { describe, expect, it } from 'vitest'
import {
  checkWireGuardKey,
  generateWireGuardKeyPair,
  wireGuardKeyFromHex,
  wireGuardKeyToHex,
  wireGuardPeerUid,
  wireGuardPublicKey,
} from '../../src/wireguard/keys.js'

const AT36_KEY = '8du8A89mlo7m1r8q4ScfGn6Af8Vx8gfX3E2qhW2C5VQ='
const AT36_HEX = 'f1dbbc03cf66968ee6d6bf2ae1271f1a7e807fc571f207d7dc4daa856d82e554'

describe('checkWireGuardKey (WG-4, WG-11)', () => {
  it.each([
    ['', 'public_key is required'],
    ['   ', 'public_key is required'],
    ['not-base64', 'public_key must be valid base64'],
    // Unpadded: Go's StdEncoding refuses it, and so do we.
    ['8du8A89mlo7m1r8q4ScfGn6Af8Vx8gfX3E2qhW2C5VQ', 'public_key must be valid base64'],
    ['8du8A89mlo7m1r8q4ScfGn6Af8Vx8gfX3E2qhW2C5VQ=x', 'public_key must be valid base64'],
    ['8du8A89mlo7m1r8q4ScfGn6Af8Vx8gfX3E2qhW2C5VQ=='.slice(0, 40) + '-_A=', 'public_key must be valid base64'],
    [Buffer.alloc(16, 1).toString('base64'), 'public_key must decode to 32 bytes'],
    [Buffer.alloc(33, 1).toString('base64'), 'public_key must decode to 32 bytes'],
  ])('refuses %j with %j', (input, message) => {
    expect(checkWireGuardKey(input)).toEqual({ ok: false, message })
  })

  it('accepts a padded key, trims whitespace and ignores CR/LF inside', () => {
    expect(checkWireGuardKey(AT36_KEY)).toEqual({ ok: true, key: AT36_KEY })
    expect(checkWireGuardKey(`  ${AT36_KEY}\n`)).toEqual({ ok: true, key: AT36_KEY })
    expect(checkWireGuardKey(`${AT36_KEY.slice(0, 20)}\r\n${AT36_KEY.slice(20)}`)).toEqual({ ok: true, key: AT36_KEY })
  })

  it('normalises non-canonical trailing bits (WG-5)', () => {
    // The last character carries 4 key bits and 2 spare ones: "Q" is 010000, "R" (010001) sets a spare bit.
    const sloppy = `${AT36_KEY.slice(0, 42)}R=`
    expect(checkWireGuardKey(sloppy)).toEqual({ ok: true, key: AT36_KEY })
  })
})

describe('wireGuardPeerUid (WG-5)', () => {
  it('is wireguardpeer- plus the first 16 hex of the SHA-256 of the normalised key', () => {
    // echo -n <key> | sha256sum
    expect(wireGuardPeerUid(AT36_KEY)).toBe('wireguardpeer-4b5440ddc0cfb912')
    expect(wireGuardPeerUid('mI0Rk6OwjM5VVRmHkvZFhJUBgNLELpJhQZOiCTvKuWs=')).toBe('wireguardpeer-cacc6345f91692a7')
  })
})

describe('UAPI hex (WG-2)', () => {
  it('converts base64 to hex and back', () => {
    expect(wireGuardKeyToHex(AT36_KEY)).toBe(AT36_HEX)
    expect(wireGuardKeyFromHex(AT36_HEX)).toBe(AT36_KEY)
    expect(wireGuardKeyFromHex(AT36_HEX.toUpperCase())).toBe(AT36_KEY)
  })

  it('throws RangeError on bad input', () => {
    expect(() => wireGuardKeyToHex('nope')).toThrow(RangeError)
    expect(() => wireGuardKeyFromHex('abc')).toThrow(RangeError)
  })
})

describe('X25519 keys (WG-3)', () => {
  it('derives the RFC 7748 test vector public key', () => {
    // RFC 7748 section 6.1, Alice; `wg pubkey` gives the same.
    const privateKey = Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex').toString('base64')
    expect(wireGuardPublicKey(privateKey)).toBe('hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=')
  })

  it('generates distinct 32-byte pairs whose public half matches the derivation', () => {
    const a = generateWireGuardKeyPair()
    const b = generateWireGuardKeyPair()
    expect(a.privateKey).not.toBe(b.privateKey)
    expect(checkWireGuardKey(a.privateKey)).toEqual({ ok: true, key: a.privateKey })
    expect(checkWireGuardKey(a.publicKey)).toEqual({ ok: true, key: a.publicKey })
    expect(wireGuardPublicKey(a.privateKey)).toBe(a.publicKey)
  })

  it('refuses a private key that is not 32 bytes', () => {
    expect(() => wireGuardPublicKey('AAAA')).toThrow('invalid WireGuard private key: key must decode to 32 bytes')
  })
})
