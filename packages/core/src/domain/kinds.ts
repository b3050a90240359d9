import type { z } from 'zod'
import { ClusterDefaultsSpecSchema, ReadyStatusSchema, type ClusterDefaults } from './cluster-defaults.js'
import { GroupSpecSchema, GroupStatusSchema, type Group } from './group.js'
import { InstanceInfoSpecSchema, InstanceInfoStatusSchema, type InstanceInfo } from './instance-info.js'
import type { KindName } from './metadata.js'
import { WireGuardPeerSpecSchema, WireGuardPeerStatusSchema, type WireGuardPeer } from './wireguard-peer.js'

/** Any stored resource. */
export type AnyResource = ClusterDefaults | Group | InstanceInfo | WireGuardPeer

/** The resource type of a kind. */
export type ResourceOf<K extends KindName> = Extract<AnyResource, { kind: K }>

/** Static facts about a kind: where it lives on the wire and on disk (RES-1, STO-1). */
export interface KindInfo {
  readonly kind: KindName
  /** URL collection segment, e.g. `clusterdefaultss` (double s on purpose). */
  readonly collection: string
  /** Directory under the data dir, e.g. `clusterdefaults`. */
  readonly dir: string
  /** UID prefix including the dash, e.g. `group-`. */
  readonly uidPrefix: string
  /** Plural used in operationIds, e.g. `ClusterDefaultss`. */
  readonly plural: string
  readonly specSchema: z.ZodType
  readonly statusSchema: z.ZodType
}

/** The four kinds, keyed by name. */
export const KINDS: Readonly<Record<KindName, KindInfo>> = {
  ClusterDefaults: {
    kind: 'ClusterDefaults',
    collection: 'clusterdefaultss',
    dir: 'clusterdefaults',
    uidPrefix: 'clusterdefaults-',
    plural: 'ClusterDefaultss',
    specSchema: ClusterDefaultsSpecSchema,
    statusSchema: ReadyStatusSchema,
  },
  Group: {
    kind: 'Group',
    collection: 'groups',
    dir: 'groups',
    uidPrefix: 'group-',
    plural: 'Groups',
    specSchema: GroupSpecSchema,
    statusSchema: GroupStatusSchema,
  },
  InstanceInfo: {
    kind: 'InstanceInfo',
    collection: 'instanceinfos',
    dir: 'instanceinfos',
    uidPrefix: 'instanceinfo-',
    plural: 'InstanceInfos',
    specSchema: InstanceInfoSpecSchema,
    statusSchema: InstanceInfoStatusSchema,
  },
  WireGuardPeer: {
    kind: 'WireGuardPeer',
    collection: 'wireguardpeers',
    dir: 'wireguardpeers',
    uidPrefix: 'wireguardpeer-',
    plural: 'WireGuardPeers',
    specSchema: WireGuardPeerSpecSchema,
    statusSchema: WireGuardPeerStatusSchema,
  },
}

/** Kind names in a stable order (for iteration). */
export const KIND_LIST: readonly KindInfo[] = Object.values(KINDS)
