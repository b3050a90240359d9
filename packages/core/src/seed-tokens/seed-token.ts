import { createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { SeedTokenState } from '../ports/seed-token-store.js'

/** Bytes of the server secret (SEED): 256 bits from the CSPRNG. */
export const SEED_SECRET_BYTES = 32

/** Bytes of HMAC-SHA256 kept in a token: 192 bits, well past the 128 an online guess would have to beat. */
const TOKEN_BYTES = 24

/** Characters of a seed token: {@link TOKEN_BYTES} bytes as unpadded base64url (`[A-Za-z0-9_-]`). */
export const SEED_TOKEN_LENGTH = 32

/** The exact shape of every token the service hands out; anything else is refused before any lookup. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{32}$/

// Domain separation and a version, so a token can never equal any other HMAC this secret might one day key.
const LABEL = 'metadata-service seed token v1'

/** A node's epoch: its own rotations (0 when never rotated). */
export function nodeEpochOf(state: SeedTokenState, xname: string): number {
  return state.nodeEpochs.get(xname) ?? 0
}

/**
 * SEED derivation: HMAC-SHA256 keyed by the server secret over `metadata-service seed token v1`, the xname, the
 * global epoch and the node's epoch (NUL-separated; none of them can hold a NUL), truncated to 24 bytes and written
 * as unpadded base64url: always {@link SEED_TOKEN_LENGTH} characters of `[A-Za-z0-9_-]`, safe on a kernel command
 * line and in a URL path without escaping. Rotating the node (its epoch) or everything (the global epoch) changes
 * the token; nothing else does.
 */
export function deriveSeedToken(state: SeedTokenState, xname: string): string {
  return createHmac('sha256', state.secret)
    .update(`${LABEL}\0${xname}\0${state.globalEpoch}\0${nodeEpochOf(state, xname)}`)
    .digest()
    .subarray(0, TOKEN_BYTES)
    .toString('base64url')
}

/** True when `token` has the shape of a seed token (length and alphabet); says nothing of whether it is valid. */
export function isSeedTokenShape(token: string): boolean {
  return token.length === SEED_TOKEN_LENGTH && TOKEN_SHAPE.test(token)
}

/**
 * Compares a presented token with the expected one in constant time (no early exit on the first differing
 * character). Both must have the token shape, so their lengths are equal.
 */
export function seedTokensEqual(presented: string, expected: string): boolean {
  const a = Buffer.from(presented, 'latin1')
  const b = Buffer.from(expected, 'latin1')
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * The lookup key of a token in the token index: its SHA-256, so the time a map lookup takes depends on a hash the
 * caller cannot steer toward a stored token (a blind index), never on how many leading characters match.
 */
export function seedTokenDigest(token: string): string {
  // The one-shot hash: a quarter of createHash's cost, on every seed request (bad tokens included).
  return hash('sha256', Buffer.from(token, 'latin1'), 'base64')
}

/**
 * A short, one-way name for a token in logs and listings (SEED: the token itself is never logged): the first 8 hex
 * characters of its SHA-256. Tells entries apart; says nothing usable about the token.
 */
export function seedTokenFingerprint(token: string): string {
  return hash('sha256', Buffer.from(token, 'latin1'), 'hex').slice(0, 8)
}

/** A fresh server secret from the CSPRNG ({@link SEED_SECRET_BYTES} bytes). */
export function generateSeedSecret(): Uint8Array {
  return new Uint8Array(randomBytes(SEED_SECRET_BYTES))
}

/** The secret as stored: standard base64 with padding (44 characters). */
export function encodeSeedSecret(secret: Uint8Array): string {
  return Buffer.from(secret).toString('base64')
}

/**
 * The secret from its stored text (surrounding whitespace ignored). Throws an `Error` saying what is wrong, never
 * quoting the text: it must be standard base64 of exactly {@link SEED_SECRET_BYTES} bytes.
 */
export function decodeSeedSecret(text: string): Uint8Array {
  const trimmed = text.trim()
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) throw new Error('the secret is not base64')
  const bytes = Buffer.from(trimmed, 'base64')
  if (bytes.length !== SEED_SECRET_BYTES) throw new Error(`the secret must decode to ${SEED_SECRET_BYTES} bytes, not ${bytes.length}`)
  return new Uint8Array(bytes)
}

/** True when both secrets hold the same bytes. */
export function sameSeedSecret(a: Uint8Array, b: Uint8Array): boolean {
  return a === b || (a.length === b.length && timingSafeEqual(a, b))
}
