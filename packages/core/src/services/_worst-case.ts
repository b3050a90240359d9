import { walkInSlices } from '../_internal/slices.js'
import type { GroupSpec } from '../domain/group.js'
import type { InstanceInfoSpec } from '../domain/instance-info.js'
import { buildMetaData } from '../nocloud/meta-data.js'
import type { MetaDataDocument } from '../nocloud/meta-data-document.js'
import { buildResourceIndex, type ResourceIndex } from '../nocloud/resource-index.js'
import type { Inventory, InventoryNode } from '../ports/inventory.js'
import type { ResourceStore } from '../ports/resource-store.js'

/**
 * The NC-5 document of the cluster's worst case for a group's template (SPEC §16 "Template cost": validation
 * renders against the longest lists and largest values the cluster has), or `undefined` when the inventory holds
 * no node yet. `spec` stands in for the stored Group named `group`.
 */
export type WorstCase = (group: string, spec: GroupSpec) => Promise<MetaDataDocument | undefined>

/**
 * Builds {@link WorstCase} over the inventory and the store: one made-up node that has the most NICs and
 * interfaces any node has, the memberships of the node with the most (plus this group), the longest xname and
 * role and the largest NID, with the InstanceInfo that has the most public keys and the NC-7 ClusterDefaults.
 * It bounds every real node's document from above, so a template that fits it fits every node. The inventory's
 * extremes are found once per inventory generation and the resources once per store generation.
 */
export function worstCaseOf(inventory: Inventory, store: ResourceStore): WorstCase {
  let extremes: { generation: number; node: Promise<InventoryNode | undefined> } | undefined
  let resources: { generation: number; index: ResourceIndex; instanceInfo: InstanceInfoSpec | undefined } | undefined

  // One walk per inventory generation, shared by the writes that wait for it; in slices, as at 100,000 nodes it held
  // the event loop ~90-120 ms (issue 19).
  const nodeExtremes = (): Promise<InventoryNode | undefined> => {
    const generation = inventory.generation()
    if (extremes?.generation !== generation) {
      const node = largestNode(inventory.nodes())
      extremes = { generation, node }
      // A walk that failed is tried again by the next write, as before the walk was shared.
      node.catch(() => {
        if (extremes?.node === node) extremes = undefined
      })
    }
    return extremes.node
  }
  const loadResources = async () => {
    const generation = store.generation()
    if (resources?.generation !== generation) {
      const [clusterDefaults, instanceInfos, groups] = await Promise.all([
        store.list('ClusterDefaults'),
        store.list('InstanceInfo'),
        store.list('Group'),
      ])
      const most = instanceInfos.reduce<InstanceInfoSpec | undefined>(
        (best, info) => ((info.spec.public_keys?.length ?? 0) > (best?.public_keys?.length ?? -1) ? info.spec : best),
        undefined,
      )
      resources = { generation, index: buildResourceIndex({ clusterDefaults, instanceInfos, groups }), instanceInfo: most }
    }
    return resources
  }

  return async (group, spec) => {
    const largest = await nodeExtremes()
    if (largest === undefined) return undefined
    const { index, instanceInfo } = await loadResources()
    const node: InventoryNode = { ...largest, groups: [...new Set([...(largest.groups ?? []), group])] }
    return buildMetaData({
      node,
      clusterDefaults: index.clusterDefaults?.spec,
      instanceInfo,
      groupSpec: (label) => (label === group ? spec : index.group(label)?.spec),
    })
  }
}

// --- internal ---

/** One node combining the largest lists and values of `nodes`; `undefined` for none. */
async function largestNode(nodes: Iterable<InventoryNode>): Promise<InventoryNode | undefined> {
  let mostNics: InventoryNode | undefined
  let mostGroups: readonly string[] = []
  let xname = ''
  let role = ''
  let nid = 0
  await walkInSlices(nodes, (node) => {
    if (mostNics === undefined || node.nics.length + node.interfaces.length > mostNics.nics.length + mostNics.interfaces.length) {
      mostNics = node
    }
    if ((node.groups?.length ?? 0) > mostGroups.length) mostGroups = node.groups ?? []
    if (node.xname.length > xname.length) xname = node.xname
    if (node.role.length > role.length) role = node.role
    if (node.nid > nid) nid = node.nid
  })
  if (mostNics === undefined) return undefined
  return { ...mostNics, xname, role, nid, groups: mostGroups }
}
