import type { ClusterDefaults } from '../domain/cluster-defaults.js'
import type { Group } from '../domain/group.js'
import type { InstanceInfo } from '../domain/instance-info.js'
import { laterOf, pickLatest } from './latest.js'

/** The NC-7 winners of one store generation, looked up in O(1) per request. */
export interface ResourceIndex {
  /** The latest ClusterDefaults, if any. */
  readonly clusterDefaults: ClusterDefaults | undefined
  /** The latest InstanceInfo whose name or `instance_id` equals `xname`. */
  instanceInfo(xname: string): InstanceInfo | undefined
  /** The latest Group named `label`. */
  group(label: string): Group | undefined
}

/** The resources an index is built from, as listed by the store. */
export interface ResourceIndexInput {
  readonly clusterDefaults: readonly ClusterDefaults[]
  readonly instanceInfos: readonly InstanceInfo[]
  readonly groups: readonly Group[]
}

/**
 * NC-7 candidate selection, built once per store generation (ARCHITECTURE hot path) so that a request costs map
 * lookups rather than scans: ClusterDefaults — any; InstanceInfo — `metadata.name` or `spec.instance_id` equals
 * the xname; Group — `metadata.name` equals the SMD label.
 *
 * Superseded resources (`status.supersededBy`, §16 RES-3: an older one of a name the Go service kept several
 * times) are never candidates, so no older version is ever served. The winner over "name or instance_id equals
 * the xname" is the later of the winners of each key.
 */
export function buildResourceIndex(input: ResourceIndexInput): ResourceIndex {
  const clusterDefaults = pickLatest(input.clusterDefaults.filter(served))
  const byName = new Map<string, InstanceInfo>()
  const byInstanceId = new Map<string, InstanceInfo>()
  for (const info of input.instanceInfos) {
    if (!served(info)) continue
    byName.set(info.metadata.name, laterOf(byName.get(info.metadata.name), info))
    byInstanceId.set(info.spec.instance_id, laterOf(byInstanceId.get(info.spec.instance_id), info))
  }
  const groups = new Map<string, Group>()
  for (const group of input.groups) if (served(group)) groups.set(group.metadata.name, laterOf(groups.get(group.metadata.name), group))
  return {
    clusterDefaults,
    instanceInfo: (xname) => {
      const a = byName.get(xname)
      const b = byInstanceId.get(xname)
      return a === undefined ? b : b === undefined ? a : laterOf(a, b)
    },
    group: (label) => groups.get(label),
  }
}

// --- internal ---

function served(resource: { readonly status: { readonly supersededBy?: string | undefined } }): boolean {
  return resource.status.supersededBy === undefined
}
