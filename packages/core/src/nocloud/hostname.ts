import type { ClusterDefaultsSpec } from '../domain/cluster-defaults.js'

/** NC-6: the NID width used when `nid_length` is absent or 0. */
export const DEFAULT_NID_LENGTH = 4

/**
 * NC-6: the node's default hostname, prefix + zero-padded NID. The prefix is `short_name`, else the first 2
 * characters of `cluster_name`; the width is `nid_length`, 0 (or absent) meaning 4; a longer NID is never
 * truncated. Without ClusterDefaults there is no prefix and the width is still 4, as in earlier releases
 * (`1000` → `"1000"`, `1` → `"0001"`).
 */
export function defaultHostname(nid: number, clusterDefaults: ClusterDefaultsSpec | undefined): string {
  const prefix = clusterDefaults?.short_name || [...(clusterDefaults?.cluster_name ?? '')].slice(0, 2).join('')
  const width = clusterDefaults?.nid_length || DEFAULT_NID_LENGTH
  return prefix + String(nid).padStart(width, '0')
}
