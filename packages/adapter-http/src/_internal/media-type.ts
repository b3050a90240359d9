import type { PatchFormat } from '@metadata-service/core'

/**
 * The media type of a `Content-Type` or `Accept` item without parameters, lowercased (SPEC §0: media types are
 * compared without parameters). `""` when the header is absent or blank.
 */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';', 1)[0]!.trim().toLowerCase()
}

/** True for `application/json` and any `+json` structured-syntax type (RES-8 415 rule). */
export function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+\+json$/.test(type)
}

/** RES-6: the PATCH format a request's `Content-Type` selects; any type but the two named ones is a merge patch. */
export function patchFormat(contentType: string | undefined): PatchFormat {
  switch (mediaType(contentType)) {
    case 'application/json-patch+json':
      return 'json-patch'
    case 'application/shorthand-patch+json':
      return 'shorthand'
    default:
      return 'merge'
  }
}

/**
 * The first `version=` parameter of an `Accept` header that names something other than a supported version
 * (RES-8), or `undefined` when every requested version is supported or none is requested.
 */
export function unsupportedAcceptVersion(accept: string | undefined, supported: readonly string[]): string | undefined {
  if (accept === undefined) return undefined
  for (const item of accept.split(',')) {
    for (const param of item.split(';').slice(1)) {
      const eq = param.indexOf('=')
      if (eq === -1 || param.slice(0, eq).trim().toLowerCase() !== 'version') continue
      const value = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1')
      if (!supported.includes(value)) return value
    }
  }
  return undefined
}
