import type { AnyResource } from '../domain/kinds.js'
import type { KindName } from '../domain/metadata.js'
import { compareResourceOrder } from '../resources/resource-order.js'

/**
 * One name (or, for ClusterDefaults, the cluster) held by several resources of a kind: the Go service kept every
 * version of a resource as its own file (§16 RES-3). `served` is the one read and written by name; the others are
 * `superseded`, oldest first.
 */
export interface SupersededGroup {
  readonly kind: KindName
  /** The shared name; for ClusterDefaults, the served one's name (they compete whatever their names). */
  readonly name: string
  readonly served: string
  readonly superseded: readonly string[]
}

/**
 * Which resource of a name is served (§16 RES-3 and ClusterDefaults one per cluster): the latest by `createdAt`
 * as an instant, then the greater uid, i.e. the last in RES-1 list order. Kept up to date resource by resource,
 * so a write costs the resources sharing its name, not the whole kind.
 */
export interface ServedIndex {
  add(resource: AnyResource): void
  remove(resource: AnyResource): void
  /** The served uid of `resource`'s name when that is another resource, i.e. `resource` is superseded; else undefined. */
  supersededBy(resource: AnyResource): string | undefined
  /** The served resource holding `resource`'s name (ClusterDefaults: any), other than `resource` itself. */
  holderOtherThan(resource: AnyResource): AnyResource | undefined
  /** Every name held by more than one resource, by kind then name. */
  report(): SupersededGroup[]
}

/** The key resources compete under: their name, except ClusterDefaults, of which a cluster has one. */
export function servedKey(resource: Pick<AnyResource, 'kind' | 'metadata'>): string {
  return resource.kind === 'ClusterDefaults' ? '' : resource.metadata.name
}

/** The served one among resources sharing a key: the last in RES-1 order (latest createdAt, then greater uid). */
export function latestCreated<T extends AnyResource>(resources: Iterable<T>): T | undefined {
  let best: T | undefined
  for (const resource of resources) if (best === undefined || compareResourceOrder(resource, best) > 0) best = resource
  return best
}

/** An empty {@link ServedIndex}. */
export function createServedIndex(): ServedIndex {
  // kind → key → (uid → resource), and the served resource of each key.
  const members = new Map<KindName, Map<string, Map<string, AnyResource>>>()
  const served = new Map<KindName, Map<string, AnyResource>>()
  const keysOf = (kind: KindName) => {
    let keys = members.get(kind)
    if (!keys) members.set(kind, (keys = new Map()))
    return keys
  }
  const servedOf = (kind: KindName) => {
    let map = served.get(kind)
    if (!map) served.set(kind, (map = new Map()))
    return map
  }
  const elect = (kind: KindName, key: string) => {
    const group = keysOf(kind).get(key)
    const winner = group === undefined ? undefined : latestCreated(group.values())
    if (winner === undefined) servedOf(kind).delete(key)
    else servedOf(kind).set(key, winner)
  }
  return {
    add(resource) {
      const key = servedKey(resource)
      const keys = keysOf(resource.kind)
      let group = keys.get(key)
      if (!group) keys.set(key, (group = new Map()))
      group.set(resource.metadata.uid, resource)
      elect(resource.kind, key)
    },
    remove(resource) {
      const key = servedKey(resource)
      const keys = keysOf(resource.kind)
      const group = keys.get(key)
      if (!group) return
      group.delete(resource.metadata.uid)
      if (group.size === 0) keys.delete(key)
      elect(resource.kind, key)
    },
    supersededBy(resource) {
      const winner = servedOf(resource.kind).get(servedKey(resource))
      return winner === undefined || winner.metadata.uid === resource.metadata.uid ? undefined : winner.metadata.uid
    },
    holderOtherThan(resource) {
      const winner = servedOf(resource.kind).get(servedKey(resource))
      return winner === undefined || winner.metadata.uid === resource.metadata.uid ? undefined : winner
    },
    report() {
      const out: SupersededGroup[] = []
      for (const [kind, keys] of [...members].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        for (const [key, group] of [...keys].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          if (group.size < 2) continue
          const winner = servedOf(kind).get(key) as AnyResource
          const others = [...group.values()].filter((r) => r !== winner).sort(compareResourceOrder)
          out.push({ kind, name: winner.metadata.name, served: winner.metadata.uid, superseded: others.map((r) => r.metadata.uid) })
        }
      }
      return out
    },
  }
}
