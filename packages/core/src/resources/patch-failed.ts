import { MetadataError } from '../errors.js'

/** RES-6: `failed to apply patch to spec: <detail>` (PATCH_FAILED, answered 422). */
export function patchFailed(detail: string): MetadataError {
  return new MetadataError('PATCH_FAILED', `failed to apply patch to spec: ${detail}`)
}
