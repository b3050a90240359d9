import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'

/** WireGuard keys (public and private) are 32 bytes (Curve25519). */
const KEY_BYTES = 32
/** Standard alphabet with correct `=` padding, as Go's `base64.StdEncoding` demands (WG-4). */
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
/** PKCS#8 DER prefix of an X25519 private key; the 32 raw bytes follow (RFC 8410). */
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex')

/** Outcome of {@link checkWireGuardKey}: the normalised key, or the exact WG-4 / WG-11 message. */
export type WireGuardKeyCheck = { readonly ok: true; readonly key: string } | { readonly ok: false; readonly message: string }

/** The messages of {@link checkWireGuardKey} (WG-4, WG-11), exact. */
export const WIREGUARD_KEY_MESSAGES = {
  required: 'public_key is required',
  base64: 'public_key must be valid base64',
  length: 'public_key must decode to 32 bytes',
} as const

/**
 * Validates and normalises a WireGuard public key (WG-4, WG-5, WG-11). Surrounding whitespace is trimmed; the rest
 * must be padded standard base64 (CR and LF inside are ignored, as Go does) of exactly 32 bytes. The normalised key
 * is the decoded bytes re-encoded as padded standard base64, so keys differing only in non-canonical trailing bits
 * map to one peer.
 */
export function checkWireGuardKey(text: string): WireGuardKeyCheck {
  const trimmed = text.trim()
  if (trimmed === '') return { ok: false, message: WIREGUARD_KEY_MESSAGES.required }
  const compact = trimmed.replace(/[\r\n]/g, '')
  if (!STD_BASE64.test(compact)) return { ok: false, message: WIREGUARD_KEY_MESSAGES.base64 }
  const bytes = Buffer.from(compact, 'base64')
  if (bytes.length !== KEY_BYTES) return { ok: false, message: WIREGUARD_KEY_MESSAGES.length }
  return { ok: true, key: bytes.toString('base64') }
}

/**
 * WG-5: `wireguardpeer-` + the first 16 hex digits of the SHA-256 of the normalised key text. `normalisedKey` must
 * come from {@link checkWireGuardKey}; the uid of an unnormalised spelling would differ.
 */
export function wireGuardPeerUid(normalisedKey: string): string {
  return `wireguardpeer-${createHash('sha256').update(normalisedKey).digest('hex').slice(0, 16)}`
}

/** A base64 key as the lowercase hex the UAPI protocol speaks (WG-2). Throws a `RangeError` unless it is 32 bytes. */
export function wireGuardKeyToHex(base64Key: string): string {
  const check = checkWireGuardKey(base64Key)
  if (!check.ok) throw new RangeError(`invalid WireGuard key: ${check.message}`)
  return Buffer.from(check.key, 'base64').toString('hex')
}

/** A 64-digit hex key (UAPI) as padded standard base64. Throws a `RangeError` for anything else. */
export function wireGuardKeyFromHex(hexKey: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(hexKey)) throw new RangeError('a WireGuard key in hex has 64 hex digits')
  return Buffer.from(hexKey, 'hex').toString('base64')
}

/** A WireGuard key pair, both halves padded standard base64. */
export interface WireGuardKeyPair {
  readonly privateKey: string
  readonly publicKey: string
}

/** A fresh X25519 key pair from node:crypto (WG-3 server key). */
export function generateWireGuardKeyPair(): WireGuardKeyPair {
  const jwk = generateKeyPairSync('x25519').privateKey.export({ format: 'jwk' })
  return { privateKey: base64UrlToStd(jwk.d), publicKey: base64UrlToStd(jwk.x) }
}

/**
 * The public key of a base64 X25519 private key (the `server-public-key` of WG-4). Throws a `RangeError` when the
 * private key is not base64 of 32 bytes.
 */
export function wireGuardPublicKey(privateKey: string): string {
  const check = checkWireGuardKey(privateKey)
  if (!check.ok) throw new RangeError(`invalid WireGuard private key: ${check.message.replace('public_key', 'key')}`)
  const der = Buffer.concat([X25519_PKCS8_PREFIX, Buffer.from(check.key, 'base64')])
  const jwk = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' })
  return base64UrlToStd(jwk.x)
}

// --- internal ---

function base64UrlToStd(value: string | undefined): string {
  if (value === undefined) throw new Error('node:crypto exported an X25519 JWK without key material')
  return Buffer.from(value, 'base64url').toString('base64')
}
