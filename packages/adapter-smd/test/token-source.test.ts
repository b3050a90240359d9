import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isMetadataError } from '@metadata-service/core'
import {
  SMD_URL_REQUIRED_MESSAGE,
  TOKENSMITH_AUTH_REQUIRED_MESSAGE,
  createStaticTokenSource,
  parseTokenSmithScopes,
  selectTokenMode,
} from '../src/index.js'

let dir: string
let cert: string
let key: string
let empty: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mds-tok-'))
  cert = join(dir, 'cert.pem')
  key = join(dir, 'key.pem')
  empty = join(dir, 'empty.pem')
  await writeFile(cert, 'CERT')
  await writeFile(key, 'KEY')
  await writeFile(empty, '')
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('createStaticTokenSource (TOK-2)', () => {
  it.each([
    [{ jwt: 'static-jwt', token: 'x' }, 'static-jwt'],
    [{ jwt: '  static-jwt\n', token: 'x' }, 'static-jwt'],
    [{ token: ' t ' }, 't'],
    [{ jwt: '   ', token: 't' }, 't'],
    [{ jwt: '', token: '' }, undefined],
    [{}, undefined],
  ])('%j gives %s', async (options, expected) => {
    const source = createStaticTokenSource(options)
    expect(source.mode).toBe('static')
    expect(await source.token()).toBe(expected)
    expect(await source.refreshAfterRejection(expected)).toBeUndefined()
    expect(source.health()).toEqual({ healthy: true })
  })
})

describe('selectTokenMode (TOK-1)', () => {
  it('is static without tokensmith_url, whatever else is set', async () => {
    expect(await selectTokenMode({ tokensmith_bootstrap_token: 'b', tokensmith_service_identity_cert: cert })).toEqual({
      mode: 'static',
    })
    expect(await selectTokenMode({ tokensmith_url: '  ' })).toEqual({ mode: 'static' })
  })

  it('picks mTLS when cert and key are set and readable, even empty, and reads them', async () => {
    expect(
      await selectTokenMode({
        tokensmith_url: 'https://ts',
        tokensmith_service_identity_cert: cert,
        tokensmith_service_identity_key: key,
        tokensmith_bootstrap_token: 'b',
      }),
    ).toEqual({ mode: 'mtls', url: 'https://ts', cert: Buffer.from('CERT'), key: Buffer.from('KEY') })
    const withCa = await selectTokenMode({
      tokensmith_url: 'https://ts',
      tokensmith_service_identity_cert: empty,
      tokensmith_service_identity_key: empty,
      tokensmith_service_identity_ca: cert,
    })
    expect(withCa).toEqual({ mode: 'mtls', url: 'https://ts', cert: Buffer.alloc(0), key: Buffer.alloc(0), ca: Buffer.from('CERT') })
  })

  it('falls to bootstrap when the cert is unreadable and a bootstrap token is set (AT-33)', async () => {
    expect(
      await selectTokenMode({
        tokensmith_url: 'http://ts',
        tokensmith_service_identity_cert: join(dir, 'missing.pem'),
        tokensmith_service_identity_key: key,
        tokensmith_bootstrap_token: ' bootstrap-token ',
      }),
    ).toEqual({ mode: 'bootstrap', url: 'http://ts', bootstrapToken: 'bootstrap-token' })
  })

  it('fails with the exact TOK-1 text when neither is usable (AT-33)', async () => {
    for (const config of [
      { tokensmith_url: 'http://ts', tokensmith_service_identity_cert: join(dir, 'missing.pem'), tokensmith_service_identity_key: key },
      { tokensmith_url: 'http://ts', tokensmith_service_identity_cert: cert },
      { tokensmith_url: 'http://ts', tokensmith_bootstrap_token: '  ' },
    ]) {
      const err = await selectTokenMode(config).catch((e: unknown) => e)
      expect(isMetadataError(err, 'TOKEN_UNAVAILABLE')).toBe(true)
      expect((err as Error).message).toBe(TOKENSMITH_AUTH_REQUIRED_MESSAGE)
    }
    expect(TOKENSMITH_AUTH_REQUIRED_MESSAGE).toBe(
      'tokensmith_url is set but dynamic auth requires one of: readable tokensmith_service_identity_cert and tokensmith_service_identity_key, or tokensmith_bootstrap_token',
    )
  })

  it('rejects an unreadable CA in mTLS mode', async () => {
    const err = await selectTokenMode({
      tokensmith_url: 'https://ts',
      tokensmith_service_identity_cert: cert,
      tokensmith_service_identity_key: key,
      tokensmith_service_identity_ca: join(dir, 'nope.pem'),
    }).catch((e: unknown) => e)
    expect((err as Error).message).toMatch(/^tokensmith_service_identity_ca is not readable: ENOENT/)
  })
})

describe('texts', () => {
  it('splits scopes on commas and trims (TOK-10)', () => {
    expect(parseTokenSmithScopes('metadata:read, groups:read')).toEqual(['metadata:read', 'groups:read'])
    expect(parseTokenSmithScopes(' , a ,,')).toEqual(['a'])
    expect(parseTokenSmithScopes('')).toEqual([])
    expect(parseTokenSmithScopes(undefined)).toEqual([])
    expect(parseTokenSmithScopes([' a', 'b '])).toEqual(['a', 'b'])
  })

  it('has the exact SMD-1 startup text', () => {
    expect(SMD_URL_REQUIRED_MESSAGE).toBe('SMD_URL is required unless --mock-smd is set')
  })
})
