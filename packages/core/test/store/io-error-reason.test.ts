import { describe, expect, it } from 'vitest'
import { ioErrorReason } from '../../src/store/io-error-reason.js'

/** An error shaped like Node's system errors (code, syscall, path in the message). */
function systemError(message: string, fields: { code: string; syscall?: string }): Error {
  return Object.assign(new Error(message), fields)
}

describe('ioErrorReason (issue 16: clients never see server paths)', () => {
  it('keeps the description and the code of an fs error, never its path', () => {
    const err = systemError("EROFS: read-only file system, open '/srv/data/groups/group-1.json.tmp-1a2b'", { code: 'EROFS', syscall: 'open' })
    expect(ioErrorReason(err)).toBe('read-only file system (EROFS)')
    const rename = systemError("ENOSPC: no space left on device, rename '/a, open b' -> '/c'", { code: 'ENOSPC', syscall: 'rename' })
    expect(ioErrorReason(rename)).toBe('no space left on device (ENOSPC)')
  })

  it('names the call, not the peer address, of a network error', () => {
    const err = systemError('connect ECONNREFUSED 10.0.0.5:5432', { code: 'ECONNREFUSED', syscall: 'connect' })
    expect(ioErrorReason(err)).toBe('connect failed (ECONNREFUSED)')
    expect(ioErrorReason(systemError('', { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED')
  })

  it('leaves other errors as they are', () => {
    expect(ioErrorReason(new Error('database "x" is not currently accepting connections'))).toBe('database "x" is not currently accepting connections')
    expect(ioErrorReason(Object.assign(new Error('syntax error'), { code: '42601' }))).toBe('syntax error')
    expect(ioErrorReason('plain')).toBe('plain')
  })
})
