import type { WireGuardPeer } from '../domain/wireguard-peer.js'
import { isMetadataError } from '../errors.js'
import type { ResourceStore } from '../ports/resource-store.js'
import { allowedIpHost } from './allocator.js'
import type { GoStatePeer } from './go-state.js'
import { buildPeerIntent } from './peer-intent.js'

/** What {@link importGoWireGuardPeers} did with each peer of the state file. */
export interface GoPeersImport {
  /** Uids of the WireGuardPeers created. */
  readonly imported: readonly string[]
  /** Peers left alone because the store already holds their key, address or node name, with the uid holding it. */
  readonly skipped: readonly { readonly address: string; readonly heldBy: string }[]
}

/** What {@link importGoWireGuardPeers} needs. */
export interface GoPeersImportDeps {
  readonly store: ResourceStore
  /** WG-6: the node's xname for a boot address, else the address itself (as `/wg-init` names peers). */
  readonly resolveRequester: (address: string) => Promise<string>
  /** Creation time of the imported peers, Unix ms. */
  readonly now: number
}

/**
 * Stores the Go service's WireGuard peers as WireGuardPeer resources (WG-5 uid from the key, named after the node
 * as `/wg-init` would name it, `allowed_ip` `<tunnel address>/32`), so WG-8 re-applies them to the device with the
 * imported server key and the nodes' tunnels keep working. A peer whose key or address the store already holds is
 * skipped, so a second run (or a data dir that already has the resources) changes nothing. A peer whose boot address
 * cannot be resolved now (SMD unreachable) is named by that address. Rejects with the store's errors.
 */
export async function importGoWireGuardPeers(peers: readonly GoStatePeer[], deps: GoPeersImportDeps): Promise<GoPeersImport> {
  const stored = await deps.store.list('WireGuardPeer')
  const holders = new Map<string, string>()
  const hold = (peer: WireGuardPeer) => {
    holders.set(`key:${peer.spec.public_key}`, peer.metadata.uid)
    const host = allowedIpHost(peer.spec.allowed_ip)
    if (host !== undefined) holders.set(`ip:${host}`, peer.metadata.uid)
  }
  stored.forEach(hold)
  const imported: string[] = []
  const skipped: { address: string; heldBy: string }[] = []
  for (const peer of peers) {
    const heldBy = holders.get(`key:${peer.publicKey}`) ?? holders.get(`ip:${peer.address}`)
    if (heldBy !== undefined) {
      skipped.push({ address: peer.address, heldBy })
      continue
    }
    const fallback = peer.clientAddress === '' ? peer.address : peer.clientAddress
    const node = peer.clientAddress === '' ? fallback : await nodeOf(peer.clientAddress, deps.resolveRequester)
    // Names are unique (RES-3): a second peer of one node keeps its boot address as its name.
    const names = node === fallback ? [node] : [node, fallback]
    const created = await createFirstFree(deps.store, names, (requester) =>
      buildPeerIntent({ key: peer.publicKey, requester, ip: peer.address, now: deps.now }),
    )
    if ('heldBy' in created) {
      skipped.push({ address: peer.address, heldBy: created.heldBy })
      continue
    }
    hold(created.peer)
    imported.push(created.peer.metadata.uid)
  }
  return { imported, skipped }
}

// --- internal ---

/** Creates the peer under the first of `names` that is free; else reports who holds the last one. */
async function createFirstFree(
  store: ResourceStore,
  names: readonly string[],
  build: (name: string) => WireGuardPeer,
): Promise<{ peer: WireGuardPeer } | { heldBy: string }> {
  let holder = ''
  for (const name of names) {
    const peer = build(name)
    try {
      await store.create(peer)
      return { peer }
    } catch (err) {
      if (!isMetadataError(err, 'CONFLICT')) throw err
      holder = `the peer named ${name}`
    }
  }
  return { heldBy: holder }
}

async function nodeOf(address: string, resolve: (address: string) => Promise<string>): Promise<string> {
  try {
    return await resolve(address)
  } catch (err) {
    if (!isMetadataError(err)) throw err
    return address
  }
}
