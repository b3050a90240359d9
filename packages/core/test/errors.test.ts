import { describe, expect, it } from 'vitest'
import { MetadataError, isMetadataError } from '@metadata-service/core'
import { resourceNotFound } from '@metadata-service/core/store'

describe('MetadataError', () => {
  it('carries its code and keeps the cause out of the message', () => {
    const cause = new Error('disk on fire')
    const err = new MetadataError('STORAGE_FAILED', 'write failed', { cause })
    expect(err.code).toBe('STORAGE_FAILED')
    expect(err.message).toBe('write failed')
    expect(err.cause).toBe(cause)
    expect(isMetadataError(err, 'STORAGE_FAILED')).toBe(true)
    expect(isMetadataError(err, 'NOT_FOUND')).toBe(false)
  })

  it('formats the RES-8 not-found text', () => {
    expect(resourceNotFound('Group', 'group-deadbeef').message).toBe(
      'Group not found: failed to load Group group-deadbeef: resource not found',
    )
  })
})
