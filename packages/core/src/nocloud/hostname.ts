import type { ClusterDefaultsSpec } from '../domain/cluster-defaults.js'

/** NC-6: the NID width used when `nid_length` is absent or 0. */
export const DEFAULT_NID_LENGTH = 4

/**
 * NC-6: the node's default hostname, prefix + zero-padded NID. The prefix is `short_name`, else the first 2
 * characters of `cluster_name`; the width is `nid_length`, 0 (or absent) meaning 4; a longer NID is never
 * truncated. Without ClusterDefaults the hostname is the NID alone (`"1000"`).
 */
export function defaultHostname(nid: number, clusterDefaults: ClusterDefaultsSpec | undefined): string {
  if (clusterDefaults === undefined) return String(nid)
  const prefix = clusterDefaults.short_name || [...clusterDefaults.cluster_name].slice(0, 2).join('')
  const width = clusterDefaults.nid_length || DEFAULT_NID_LENGTH
  return prefix + String(nid).padStart(width, '0')
}
