import { describe, expect, it } from 'vitest'
import { requestBase } from '../../src/identity/request-base.js'

describe('requestBase (NC-14 step 4)', () => {
  it('uses Host and http by default', () => {
    expect(requestBase(false, { host: 'localhost:8888' })).toEqual({ proto: 'http', host: 'localhost:8888' })
  })

  it('honours X-Forwarded-Proto and X-Forwarded-Host only from a trusted peer', () => {
    const headers = { host: 'internal:8080', 'x-forwarded-proto': 'HTTPS', 'x-forwarded-host': 'ci.example, proxy.local' }
    expect(requestBase(true, headers)).toEqual({ proto: 'https', host: 'ci.example' })
    expect(requestBase(false, headers)).toEqual({ proto: 'http', host: 'internal:8080' })
  })

  it('falls back to Host when X-Forwarded-Host is absent, and to http on an odd proto', () => {
    expect(requestBase(true, { host: 'h:1', 'x-forwarded-proto': 'gopher' })).toEqual({ proto: 'http', host: 'h:1' })
  })

  it('has no host without a usable Host header', () => {
    expect(requestBase(false, {})).toEqual({ proto: 'http' })
    expect(requestBase(false, { host: 'evil/x y' })).toEqual({ proto: 'http' })
    expect(requestBase(false, { host: '[::1]:8080' })).toEqual({ proto: 'http', host: '[::1]:8080' })
  })
})
