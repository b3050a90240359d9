import type { Networks } from '../domain/network-definitions.js'
import { mergeNetworks } from './merge.js'
import { planNetworks, type NetworkPlan } from './plan.js'

/**
 * The network plan of a node from its ClusterDefaults and InstanceInfo `networks`, or `undefined` when neither
 * defines a network (NC-15 then holds byte for byte).
 */
export type NodePlans = (cluster: Networks | undefined, node: Networks | undefined) => NetworkPlan | undefined

/**
 * A {@link NodePlans} that parses each definition once: plans are remembered by the identity of the stored
 * `networks` objects, which stay the same for a whole store generation (the NC-7 index holds them), so a boot
 * storm or a pre-render pass parses the cluster's definitions once, not once per node.
 */
export function createNodePlans(): NodePlans {
  const clusterPlans = new WeakMap<Networks, NetworkPlan>()
  const nodePlans = new WeakMap<Networks, { cluster: Networks | undefined; plan: NetworkPlan | undefined }>()
  const clusterPlan = (cluster: Networks): NetworkPlan | undefined => {
    if (Object.keys(cluster).length === 0) return undefined
    let plan = clusterPlans.get(cluster)
    if (plan === undefined) clusterPlans.set(cluster, (plan = planNetworks(cluster)))
    return plan
  }
  return (cluster, node) => {
    if (node === undefined || Object.keys(node).length === 0) return cluster === undefined ? undefined : clusterPlan(cluster)
    const known = nodePlans.get(node)
    if (known !== undefined && known.cluster === cluster) return known.plan
    const merged = mergeNetworks(cluster, node)
    const plan = merged === undefined ? undefined : planNetworks(merged)
    nodePlans.set(node, { cluster, plan })
    return plan
  }
}
