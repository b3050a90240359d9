import type { WireGuardPeer } from '../domain/wireguard-peer.js'
import type { ResourceChange } from '../ports/resource-store.js'
import { allowedIpHost } from './allocator.js'

/** WG-9: tunnel address → peer name, kept in step with the store's change feed. */
export interface TunnelMap {
  /** Replaces the whole map from a full list of peers. */
  load(peers: readonly WireGuardPeer[]): void
  /** Applies one store change (synchronously, so a lookup right after a write sees it). */
  apply(change: ResourceChange): void
  /** The name of the peer whose allowed_ip host is `address` (canonical IP text), or `undefined`. */
  lookup(address: string): string | undefined
  /** A copy of the map, host → name. */
  snapshot(): ReadonlyMap<string, string>
}

/** An empty {@link TunnelMap}. Reads are plain Map lookups: the hot path takes no lock (OPS-7). */
export function createTunnelMap(): TunnelMap {
  const byHost = new Map<string, { readonly uid: string; readonly name: string }>()
  const hostOfUid = new Map<string, string>()

  const remove = (uid: string) => {
    const host = hostOfUid.get(uid)
    if (host === undefined) return
    hostOfUid.delete(uid)
    if (byHost.get(host)?.uid === uid) byHost.delete(host)
  }
  const put = (peer: WireGuardPeer) => {
    remove(peer.metadata.uid)
    const host = allowedIpHost(peer.spec.allowed_ip)
    if (host === undefined) return
    hostOfUid.set(peer.metadata.uid, host)
    byHost.set(host, { uid: peer.metadata.uid, name: peer.metadata.name })
  }

  return {
    load(peers) {
      byHost.clear()
      hostOfUid.clear()
      for (const peer of peers) put(peer)
    },
    apply(change) {
      if (change.resource.kind !== 'WireGuardPeer') return
      if (change.type === 'deleted') remove(change.uid)
      else put(change.resource)
    },
    lookup: (address) => byHost.get(address)?.name,
    snapshot: () => new Map([...byHost].map(([host, entry]) => [host, entry.name])),
  }
}
