import type { AnyResource, ResourceOf } from '../domain/kinds.js'
import type { KindName } from '../domain/metadata.js'

/** A schema-valid spec and status per kind, so stores that validate on load accept what the suite writes. */
const BODIES: Record<KindName, { spec: object; status: object }> = {
  ClusterDefaults: { spec: { base_url: 'http://10.0.0.1:27777', cluster_name: 'demo' }, status: { ready: false } },
  Group: { spec: { description: 'compute nodes', template: '', metaData: { color: 'red' } }, status: { valid: true } },
  InstanceInfo: { spec: { instance_id: 'i-0001', hostname: 'nid0001' }, status: { ready: false } },
  WireGuardPeer: {
    spec: { public_key: 'mI0Rk6OwjM5VVRmHkvZFhJUBgNLELpJhQZOiCTvKuWs=', allowed_ip: '100.97.0.2/32' },
    status: { ready: false },
  },
}

/** Options of {@link sampleResource}. */
export interface SampleOptions {
  /** RFC 3339; default `2025-01-01T00:00:00.000Z`. */
  createdAt?: string
  /** Default `createdAt`. */
  updatedAt?: string
  /** Default `"1"`. */
  resourceVersion?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}

/** A complete resource of `kind` named `name` with uid `uid`, as a service would hand it to a store. */
export function sampleResource<K extends KindName>(
  kind: K,
  name: string,
  uid: string,
  options: SampleOptions = {},
): ResourceOf<K> {
  const createdAt = options.createdAt ?? '2025-01-01T00:00:00.000Z'
  const resource: AnyResource = {
    apiVersion: 'v1',
    kind,
    metadata: {
      name,
      uid,
      ...(options.labels && { labels: options.labels }),
      ...(options.annotations && { annotations: options.annotations }),
      createdAt,
      updatedAt: options.updatedAt ?? createdAt,
      resourceVersion: options.resourceVersion ?? '1',
    },
    ...structuredClone(BODIES[kind]),
  } as AnyResource
  return resource as ResourceOf<K>
}
