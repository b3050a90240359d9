import type { ClusterDefaultsSpec } from '../domain/cluster-defaults.js'
import type { InstanceInfoSpec } from '../domain/instance-info.js'
import type { Networks } from '../domain/network-definitions.js'
import { pickLatest } from '../nocloud/latest.js'
import { buildResourceIndex } from '../nocloud/resource-index.js'
import type { Inventory, InventoryNode } from '../ports/inventory.js'
import type { ResourceStore } from '../ports/resource-store.js'
import { jsonEqual } from '../resources/json-value.js'
import { validationFailed } from '../resources/validation-problems.js'
import { addressConflicts, type PlannedNode } from './address-check.js'
import { mergeNetworks } from './merge.js'
import { createNodePlans } from './node-plans.js'
import { planNetworks, type NetworkPlan } from './plan.js'

/** The part of the inventory a network write check reads: the snapshot, and one node by xname. */
export type NetworkCheckInventory = Pick<Inventory, 'nodes' | 'node'>

/** What {@link checkNetworkWrite} may consult besides the spec. */
export interface NetworkWriteContext {
  /** The resource being written; `undefined` on create. */
  readonly uid: string | undefined
  /** The resource's `metadata.name` (an InstanceInfo's xname, NC-7). */
  readonly name: string
  readonly store: ResourceStore
  /** Absent: SMD's addresses are not checked. */
  readonly inventory?: NetworkCheckInventory
}

/**
 * Issue 14: network definitions are checked at write, after RES-9, so a contradiction visible now is a 400 rather
 * than a node cut off at its next boot. Throws `MetadataError('VALIDATION_FAILED', 'validation failed: …')`.
 *
 * - ClusterDefaults: its `networks` by every {@link planNetworks} rule; then every InstanceInfo's `networks`
 *   merged over them (messages start `InstanceInfo <name>: `); then every address of the SMD snapshot against the
 *   subnet of its network, as each node would get it.
 * - InstanceInfo: its `networks` merged over the latest ClusterDefaults' by the same rules (only problems that
 *   concern the InstanceInfo's own networks, so an older cluster-wide problem does not block a node's write); then
 *   the addresses SMD lists for the node (`metadata.name` and `instance_id`).
 *
 * A write that leaves `networks` as stored is not checked: a conflict it did not make (SMD changed since, say) must
 * not block a change of `base_url`; the render leaves such addresses out, as it does when the inventory cannot
 * answer, with a logged reason.
 */
export async function checkNetworkWrite(kind: 'ClusterDefaults' | 'InstanceInfo', spec: ClusterDefaultsSpec | InstanceInfoSpec, ctx: NetworkWriteContext): Promise<void> {
  if (ctx.uid !== undefined && jsonEqual((await ctx.store.get(kind, ctx.uid))?.spec.networks ?? {}, spec.networks ?? {})) return
  const messages = kind === 'ClusterDefaults' ? await clusterProblems(spec.networks, ctx) : await instanceProblems(spec as InstanceInfoSpec, ctx)
  if (messages.length > 0) throw validationFailed(messages)
}

// --- internal ---

async function clusterProblems(networks: Networks | undefined, ctx: NetworkWriteContext): Promise<string[]> {
  const own = planNetworks(networks)
  if (own.problems.length > 0) return own.problems.map((problem) => problem.message)
  const overrides = (await ctx.store.list('InstanceInfo')).filter((info) => hasNetworks(info.spec.networks))
  const messages: string[] = []
  for (const info of overrides) {
    for (const message of mergedProblems(networks, info.spec.networks!)) messages.push(`InstanceInfo ${info.metadata.name}: ${message}`)
  }
  if (messages.length > 0 || ctx.inventory === undefined) return messages
  const index = buildResourceIndex({ clusterDefaults: [], instanceInfos: overrides, groups: [] })
  const plans = createNodePlans()
  const planned = function* (nodes: Iterable<InventoryNode>): Iterable<PlannedNode> {
    for (const node of nodes) {
      const info = index.instanceInfo(node.xname)
      const plan = plans(networks, info?.spec.networks)
      if (plan !== undefined) yield { node, plan, ...(info === undefined ? {} : { source: `with InstanceInfo ${info.metadata.name} merged` }) }
    }
  }
  return addressConflicts(planned(ctx.inventory.nodes()))
}

async function instanceProblems(spec: InstanceInfoSpec, ctx: NetworkWriteContext): Promise<string[]> {
  if (!hasNetworks(spec.networks)) return []
  const cluster = pickLatest(await ctx.store.list('ClusterDefaults'))?.spec.networks
  const messages = mergedProblems(cluster, spec.networks!)
  if (messages.length > 0 || ctx.inventory === undefined) return messages
  const plan = planNetworks(mergeNetworks(cluster, spec.networks))
  const nodes: PlannedNode[] = []
  for (const xname of new Set([ctx.name, spec.instance_id])) {
    const node = await ctx.inventory.node(xname).catch(() => undefined)
    if (node !== undefined) nodes.push({ node, plan })
  }
  return addressConflicts(nodes)
}

/** Problems of `node` merged over `cluster` that concern one of `node`'s networks. */
function mergedProblems(cluster: Networks | undefined, node: Networks): string[] {
  const mine = new Set(Object.keys(node).map((name) => name.toLowerCase()))
  const plan: NetworkPlan = planNetworks(mergeNetworks(cluster, node))
  return plan.problems.filter((problem) => problem.networks.some((key) => mine.has(key))).map((problem) => problem.message)
}

function hasNetworks(networks: Networks | undefined): boolean {
  return networks !== undefined && Object.keys(networks).length > 0
}
