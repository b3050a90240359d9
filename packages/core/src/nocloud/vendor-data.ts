import type { GroupSpec } from '../domain/group.js'
import { MetadataError } from '../errors.js'
import { MINIMAL_VENDOR_DATA } from './documents.js'

/**
 * NC-13: `#include\n`, then `<base>/<label>.yaml\n` for each membership, in SMD order, whose stored Group has a
 * non-empty template; exactly `#include\n` when there is none. `baseUrl` is the NC-14 base without a trailing `/`.
 * Throws `MetadataError('INTERNAL')` when a line is needed but no base URL is known (no Host header), which the
 * service answers per NC-17.
 */
export function buildVendorData(
  labels: readonly string[],
  groupSpec: (label: string) => GroupSpec | undefined,
  baseUrl: string | undefined,
): string {
  let body = MINIMAL_VENDOR_DATA
  for (const label of labels) {
    if (!groupSpec(label)?.template) continue
    if (!baseUrl) throw new MetadataError('INTERNAL', 'no base URL for vendor-data: set public_url or base_url')
    body += `${baseUrl}/${label}.yaml\n`
  }
  return body
}
