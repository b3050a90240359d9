import type { KindName } from '../domain/metadata.js'

const COLLECTIONS: Readonly<Record<KindName, string>> = {
  ClusterDefaults: 'clusterdefaultss',
  Group: 'groups',
  InstanceInfo: 'instanceinfos',
  WireGuardPeer: 'wireguardpeers',
}

/** The RES-3 409 text, written out for tests: the holder and how to update it instead (§16). */
export function conflictText(kind: KindName, name: string, uid: string): string {
  return `${kind} named ${name} already exists: ${uid}; ${hint(kind, uid)}`
}

/** The §16 409 text for a second ClusterDefaults under another name, written out for tests. */
export function clusterDefaultsConflictText(name: string, uid: string): string {
  return `ClusterDefaults is one per cluster and ${uid} (named ${name}) exists; ${hint('ClusterDefaults', uid)}`
}

function hint(kind: KindName, uid: string): string {
  return `to change it, update that one: metadata-service ${kind.toLowerCase()} update ${uid} (PUT /${COLLECTIONS[kind]}/${uid})`
}
