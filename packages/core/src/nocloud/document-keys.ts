/** The NoCloud documents kept in the rendered-document cache, as counter names. */
export type CachedDocumentKind = 'metaData' | 'vendorData' | 'networkConfig' | 'group'

/** A count per cached NoCloud document. */
export type DocumentCounts = Readonly<Record<CachedDocumentKind, number>>

/** A fresh, mutable all-zero {@link DocumentCounts}. */
export function zeroDocumentCounts(): Record<CachedDocumentKind, number> {
  return { metaData: 0, vendorData: 0, networkConfig: 0, group: 0 }
}

// One home for the cache keys, so the request path and the pre-render (OPS-7) always meet on the same entry. A key
// names a document within its node: the cache holds the node's identity beside it (document-cache.ts), so the
// xname is not part of it. NUL cannot occur in a group name or a URL, so the parts never run together.

/** Cache key of a node's `/meta-data` (NC-5). */
export const META_DATA_KEY = 'meta-data'

/** Cache key of a node's `/vendor-data` (NC-13) built with `base` (NC-14; `undefined`: no base URL at all). */
export const vendorDataKey = (base: string | undefined): string => `vendor-data\0${base ?? ''}`

/** Cache key of a node's `/network-config` (NC-15). */
export const NETWORK_CONFIG_KEY = 'network-config'

/** Cache key of a node's `/<group>.yaml` (NC-16). */
export const groupDocumentKey = (group: string): string => `group\0${group}`
