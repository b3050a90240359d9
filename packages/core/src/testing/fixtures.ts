import type { ClusterDefaultsSpec } from '../domain/cluster-defaults.js'
import type { GroupSpec } from '../domain/group.js'
import type { InstanceInfoSpec } from '../domain/instance-info.js'
import type { ResourceOf } from '../domain/kinds.js'
import type { KindName } from '../domain/metadata.js'
import type { InventoryNode } from '../ports/inventory.js'

export { K1, QUICKSTART_CLUSTER_DEFAULTS, QUICKSTART_GROUP_COMPUTE, QUICKSTART_GROUP_GREEN } from '../examples/quickstart.js'
import type { FixtureRequest } from '../examples/quickstart.js'
export type { FixtureRequest }

/** A second public key for InstanceInfo cases (AT-3 "K2"); SPEC gives no text for it. */
export const K2 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISecondKeyExample second@example'

/** Options of {@link storedResource}. */
export interface StoredResourceOptions {
  /** Default: the kind's uid prefix + `00000001`. */
  readonly uid?: string
  /** RFC 3339; default `2025-01-01T00:00:00.000Z`. */
  readonly createdAt?: string
  /** Default `createdAt`. */
  readonly updatedAt?: string
}

const UID_PREFIX: Record<KindName, string> = {
  ClusterDefaults: 'clusterdefaults-',
  Group: 'group-',
  InstanceInfo: 'instanceinfo-',
  WireGuardPeer: 'wireguardpeer-',
}

/**
 * A complete stored resource built from a request body, as the resource service would create it, for seeding
 * `createMemoryStore()` or `store.create()` directly. Status is the kind's minimal valid one.
 */
export function storedResource<K extends 'ClusterDefaults' | 'Group' | 'InstanceInfo'>(
  kind: K,
  request: FixtureRequest<K extends 'ClusterDefaults' ? ClusterDefaultsSpec : K extends 'Group' ? GroupSpec : InstanceInfoSpec>,
  options: StoredResourceOptions = {},
): ResourceOf<K> {
  const createdAt = options.createdAt ?? '2025-01-01T00:00:00.000Z'
  const resource = {
    apiVersion: 'v1',
    kind,
    metadata: {
      name: request.metadata.name,
      uid: options.uid ?? `${UID_PREFIX[kind]}00000001`,
      createdAt,
      updatedAt: options.updatedAt ?? createdAt,
      resourceVersion: '1',
    },
    spec: structuredClone(request.spec),
    status: kind === 'Group' ? { valid: true } : { ready: false },
  }
  return resource as unknown as ResourceOf<K>
}

/** n0 of the mock inventory (SMD-15). */
export const MOCK_N0 = 'x1000c0s0b0n0'
/** n1 of the mock inventory (SMD-15). */
export const MOCK_N1 = 'x1000c0s0b0n1'
/** The storage node of the mock inventory (SMD-15). */
export const MOCK_STORAGE = 'x1000c0s1b0n0'

/**
 * The three SMD-15 mock nodes as the inventory port hands them out. For tests only: the inventory of
 * `--mock-smd` lives in adapter-smd and runs the real parsing pipeline.
 */
export const MOCK_NODE_FIXTURES: readonly InventoryNode[] = [
  mockNode(MOCK_N0, 1000, 'compute', ['compute', 'green'], '6', 26, true),
  mockNode(MOCK_N1, 1001, 'compute', ['compute', 'blue'], '7', 27, true),
  mockNode(MOCK_STORAGE, 1002, 'storage', ['storage'], '8', 28, false),
]

// --- internal ---

function mockNode(xname: string, nid: number, role: string, groups: string[], macDigit: string, host: number, hsn: boolean): InventoryNode {
  const nets = [
    { mac: `b4:2e:99:be:1a:${macDigit}d`, ip: `10.252.0.${host}`, network: 'HMN', description: 'Node Management Network', redfishId: '1' },
    ...(hsn ? [{ mac: `b4:2e:99:be:1a:${macDigit}e`, ip: `10.100.0.${host}`, network: 'HSN', description: 'High Speed Network', redfishId: '2' }] : []),
  ]
  return {
    xname,
    nid,
    role,
    groups,
    interfaces: nets.map((n) => ({
      id: n.mac.replaceAll(':', ''),
      description: n.description,
      mac: n.mac,
      type: 'Node',
      ipAddresses: [{ ip: n.ip, network: n.network }],
    })),
    nics: nets.map((n) => ({ redfishId: n.redfishId, description: n.description, mac: n.mac, permanentMac: n.mac, enabled: true })),
  }
}
