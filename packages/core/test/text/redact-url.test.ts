import { describe, expect, it } from 'vitest'
import { redactUrlCredentials } from '../../src/text/redact-url.js'

describe('redactUrlCredentials (SPEC §16 Secrets)', () => {
  it('masks the password of user:password@ in bare URLs and in text quoting them, keeping the user', () => {
    expect(redactUrlCredentials('http://smd:s3cret@smd.local:27779/hsm/v2')).toBe('http://smd:***@smd.local:27779/hsm/v2')
    expect(redactUrlCredentials('postgres://mds:pw@db/mds?sslmode=require')).toBe('postgres://mds:***@db/mds?sslmode=require')
    expect(redactUrlCredentials('must be an absolute http or https URL, got "htp://u:p@h"')).toBe('must be an absolute http or https URL, got "htp://u:***@h"')
    expect(redactUrlCredentials('a http://a:1@x and https://b:2@y/z')).toBe('a http://a:***@x and https://b:***@y/z')
  })

  it('masks a password holding @ or : up to the last @ of the authority, as URL parsers read it', () => {
    expect(redactUrlCredentials('http://u:p@ss:w@host/x@y')).toBe('http://u:***@host/x@y')
  })

  it('masks secret query parameters, and leaves URLs without credentials as they are', () => {
    expect(redactUrlCredentials('postgres://db/mds?user=a&password=hunter2&x=1')).toBe('postgres://db/mds?user=a&password=***&x=1')
    expect(redactUrlCredentials('https://ts/token?access_token=abc#f')).toBe('https://ts/token?access_token=***#f')
    for (const plain of ['http://smd:27779/hsm/v2', 'http://user@host/', 'x=1', 'me@example.com', 'http://h/p?a=b:c@d']) {
      expect(redactUrlCredentials(plain)).toBe(plain)
    }
  })
})
