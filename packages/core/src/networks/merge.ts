import type { NetworkDefinition, Networks } from '../domain/network-definitions.js'

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
  const merged: Record<string, NetworkDefinition> = { ...cluster }
  const clusterKey = new Map(Object.keys(merged).map((name) => [name.toLowerCase(), name]))
  const movesDefault = nodeEntries.some(([, definition]) => definition.default_route === true)
  if (movesDefault) {
    for (const [name, definition] of Object.entries(merged)) {
      if (definition.default_route === true) merged[name] = { ...definition, default_route: false }
    }
  }
  for (const [name, definition] of nodeEntries) {
    const existing = clusterKey.get(name.toLowerCase())
    const base = existing === undefined ? undefined : merged[existing]
    if (existing !== undefined) delete merged[existing]
    merged[name] = base === undefined ? definition : (mergeObjects(base, definition) as NetworkDefinition)
  }
  return merged
}

// --- internal ---

function isEmpty(networks: Networks | undefined): boolean {
  return networks === undefined || Object.keys(networks).length === 0
}

function mergeObjects(base: object, over: object): object {
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(over)) {
    const current = out[key]
    out[key] = isObject(current) && isObject(value) ? mergeObjects(current, value) : value
  }
  return out
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
