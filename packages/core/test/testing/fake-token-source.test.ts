import { describe, expect, it } from 'vitest'
import { isMetadataError } from '../../src/errors.js'
import { createFakeTokenSource } from '../../src/testing/fake-token-source.js'

describe('createFakeTokenSource', () => {
  it('hands out the tokens in order in dynamic mode and counts calls', async () => {
    const source = createFakeTokenSource({ mode: 'bootstrap', tokens: ['a', 'b'] })
    expect(await source.token()).toBe('a')
    expect(await source.refreshAfterRejection('a')).toBe('b')
    expect(await source.refreshAfterRejection('b')).toBe('b')
    expect(source.calls).toEqual({ token: 1, refreshAfterRejection: 2 })
    expect(source.stats()).toEqual({ refreshes: 2, refreshFailures: 0 })
  })

  it('never refreshes in static mode; no tokens means no header', async () => {
    const source = createFakeTokenSource({ tokens: [] })
    expect(await source.token()).toBeUndefined()
    expect(await source.refreshAfterRejection(undefined)).toBeUndefined()
    expect(source.health()).toEqual({ healthy: true })
    expect(source.stats()).toEqual({ refreshes: 0, refreshFailures: 0 })
  })

  it('fails closed once unhealthy (TOK-9)', async () => {
    const source = createFakeTokenSource({ mode: 'mtls' })
    source.setUnhealthy('boom')
    await expect(source.token()).rejects.toSatisfy((e) => isMetadataError(e, 'TOKEN_UNAVAILABLE'))
    await expect(source.token()).rejects.toThrow('dynamic TokenSmith auth unhealthy: boom')
    expect(source.health()).toEqual({ healthy: false, reason: 'dynamic TokenSmith auth unhealthy: boom' })
    await expect(source.refreshAfterRejection('fake-token')).rejects.toThrow('unhealthy')
    expect(source.stats()).toEqual({ refreshes: 0, refreshFailures: 1 })
  })
})
