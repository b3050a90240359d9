import type { NetworkDefinition, Networks } from '../domain/network-definitions.js'
import { applyMergePatch } from '../resources/patch-merge.js'
import { hasOwn, setOwn } from '../resources/json-value.js'

/**
 * A node's network definitions: the ClusterDefaults `networks` with the InstanceInfo `networks` merged over them
 * (docs/spec-addendum.md, "Network definitions"). Names match case-insensitively, and the node's spelling is kept.
 * A network both define is merged as an RFC 7386 merge patch would (objects key by key, so `ipv4.gateway` alone
 * keeps the cluster's `ipv4.subnet`; lists and values replace). When the node marks a network `default_route:
 * true`, the default route moves there: every other network is unmarked for this node.
 *
 * Returns `undefined` when neither defines a network (NC-15 then holds byte for byte).
 */
export function mergeNetworks(cluster: Networks | undefined, node: Networks | undefined): Networks | undefined {
  const nodeEntries = Object.entries(node ?? {})
  if (nodeEntries.length === 0) return isEmpty(cluster) ? undefined : cluster
  // Every name is written with setOwn (issue 18): a name such as `__proto__` stays an ordinary member.
  const merged: Record<string, NetworkDefinition> = {}
  const movesDefault = nodeEntries.some(([, definition]) => definition.default_route === true)
  for (const [name, definition] of Object.entries(cluster ?? {})) {
    setOwn(merged, name, movesDefault && definition.default_route === true ? { ...definition, default_route: false } : definition)
  }
  const clusterKey = new Map(Object.keys(merged).map((name) => [name.toLowerCase(), name]))
  for (const [name, definition] of nodeEntries) {
    const existing = clusterKey.get(name.toLowerCase())
    const base = existing === undefined || !hasOwn(merged, existing) ? undefined : merged[existing]
    if (existing !== undefined) delete merged[existing]
    setOwn(merged, name, base === undefined ? definition : (applyMergePatch(base, definition) as NetworkDefinition))
  }
  return merged
}

// --- internal ---

function isEmpty(networks: Networks | undefined): boolean {
  return networks === undefined || Object.keys(networks).length === 0
}
