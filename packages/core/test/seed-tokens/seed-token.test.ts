import { describe, expect, it } from 'vitest'
import type { SeedTokenState } from '../../src/ports/seed-token-store.js'
import {
  SEED_TOKEN_LENGTH,
  decodeSeedSecret,
  deriveSeedToken,
  encodeSeedSecret,
  generateSeedSecret,
  isSeedTokenShape,
  seedTokenDigest,
  seedTokenFingerprint,
  seedTokensEqual,
} from '../../src/seed-tokens/seed-token.js'

// SEED known answers, computed outside this code base (Python's hmac over the documented message).
const SECRET = Uint8Array.from({ length: 32 }, (_, i) => i)
const state = (globalEpoch = 0, nodes: Record<string, number> = {}): SeedTokenState => ({
  secret: SECRET,
  globalEpoch,
  nodeEpochs: new Map(Object.entries(nodes)),
})

describe('deriveSeedToken (SEED)', () => {
  it('is HMAC-SHA256(secret, label NUL xname NUL global NUL node) truncated to 24 bytes, base64url', () => {
    expect(deriveSeedToken(state(), 'x1000c0s0b0n0')).toBe('uBNC-nFc9cNAQIpSVM85XmR0NfRqPBQ-')
    expect(deriveSeedToken(state(0, { x1000c0s0b0n0: 1 }), 'x1000c0s0b0n0')).toBe('I7JfcDVSCs0AQLgQvGXVjQ-SxlBD3RAt')
    expect(deriveSeedToken(state(1), 'x1000c0s0b0n0')).toBe('MTxFfhK2yPHeTi8S9bR1FJL2PCr5tV0e')
    expect(deriveSeedToken(state(), 'x1000c0s0b0n1')).toBe('fXqGMgmTo1bfB2USEka25iil6n0D8l_9')
  })

  it('changes with the secret and with no other node’s epoch', () => {
    const other = { ...state(), secret: Uint8Array.from({ length: 32 }, (_, i) => 31 - i) }
    expect(deriveSeedToken(other, 'x1000c0s0b0n0')).not.toBe(deriveSeedToken(state(), 'x1000c0s0b0n0'))
    expect(deriveSeedToken(state(0, { x1000c0s0b0n1: 5 }), 'x1000c0s0b0n0')).toBe('uBNC-nFc9cNAQIpSVM85XmR0NfRqPBQ-')
  })

  it('always gives 32 URL- and command-line-safe characters', () => {
    for (let i = 0; i < 200; i++) {
      const token = deriveSeedToken({ secret: generateSeedSecret(), globalEpoch: i, nodeEpochs: new Map() }, `x${i}c0s0b0n0`)
      expect(token).toHaveLength(SEED_TOKEN_LENGTH)
      expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/)
      expect(isSeedTokenShape(token)).toBe(true)
    }
  })
})

describe('isSeedTokenShape (SEED bad input)', () => {
  const good = 'uBNC-nFc9cNAQIpSVM85XmR0NfRqPBQ-'
  it.each([
    ['truncated', good.slice(0, 31)],
    ['padded', `${good}=`],
    ['one longer', `${good}A`],
    ['standard base64 characters', `${good.slice(0, 30)}+/`],
    ['a percent escape', `${good.slice(0, 29)}%2F`],
    ['a NUL', `${good.slice(0, 31)}\0`],
    ['a dot segment', '..'],
    ['non-ASCII', `${good.slice(0, 31)}é`],
    ['empty', ''],
    ['very long', 'A'.repeat(10_000)],
  ])('refuses %s', (_, token) => {
    expect(isSeedTokenShape(token)).toBe(false)
  })
})

describe('seedTokensEqual', () => {
  it('is true only for the same token', () => {
    expect(seedTokensEqual('uBNC-nFc9cNAQIpSVM85XmR0NfRqPBQ-', 'uBNC-nFc9cNAQIpSVM85XmR0NfRqPBQ-')).toBe(true)
    expect(seedTokensEqual('uBNC-nFc9cNAQIpSVM85XmR0NfRqPBQ_', 'uBNC-nFc9cNAQIpSVM85XmR0NfRqPBQ-')).toBe(false)
    expect(seedTokensEqual('vBNC-nFc9cNAQIpSVM85XmR0NfRqPBQ-', 'uBNC-nFc9cNAQIpSVM85XmR0NfRqPBQ-')).toBe(false)
    expect(seedTokensEqual('short', 'uBNC-nFc9cNAQIpSVM85XmR0NfRqPBQ-')).toBe(false)
  })
})

describe('digest and fingerprint', () => {
  it('are one-way views of the token: the digest is SHA-256, the fingerprint its first 8 hex', () => {
    const token = 'uBNC-nFc9cNAQIpSVM85XmR0NfRqPBQ-'
    expect(seedTokenDigest(token)).toHaveLength(44)
    expect(seedTokenFingerprint(token)).toMatch(/^[0-9a-f]{8}$/)
    expect(Buffer.from(seedTokenDigest(token), 'base64').toString('hex').slice(0, 8)).toBe(seedTokenFingerprint(token))
    expect(seedTokenDigest(token)).not.toContain(token)
  })
})

describe('the secret as stored', () => {
  it('round-trips as padded standard base64 of 32 bytes', () => {
    expect(encodeSeedSecret(SECRET)).toBe('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=')
    expect(decodeSeedSecret(' AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n')).toEqual(SECRET)
  })

  it.each([
    ['not base64', 'not base64!', 'the secret is not base64'],
    ['too short', 'AAEC', 'the secret must decode to 32 bytes, not 3'],
    ['empty', '', 'the secret is not base64'],
  ])('refuses %s without quoting it', (_, text, message) => {
    expect(() => decodeSeedSecret(text)).toThrow(message)
  })

  it('is fresh each time it is generated', () => {
    expect(encodeSeedSecret(generateSeedSecret())).not.toBe(encodeSeedSecret(generateSeedSecret()))
  })
})
