import { expect } from 'vitest'

/** The PATCH_FAILED message of `fn` (fails the test when it does not throw). For the RES-6 patcher tests. */
export function patchError(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).toMatchObject({ name: 'MetadataError', code: 'PATCH_FAILED' })
    return (err as Error).message
  }
  throw new Error('expected PATCH_FAILED')
}
