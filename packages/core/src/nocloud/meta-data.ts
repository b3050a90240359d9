import type { ClusterDefaultsSpec } from '../domain/cluster-defaults.js'
import type { GroupSpec } from '../domain/group.js'
import type { InstanceInfoSpec } from '../domain/instance-info.js'
import type { InventoryNode } from '../ports/inventory.js'
import { resolveBaseUrl } from './base-url.js'
import { bootAddress } from './boot-address.js'
import { buildGroupsMap } from './groups.js'
import { defaultHostname } from './hostname.js'
import { buildInterfaces } from './interfaces.js'
import type { MetaDataDocument, MetaDataVendorData } from './meta-data-document.js'
import { toYamlText } from './yaml-text.js'

/** Everything the NC-5 document is built from. */
export interface MetaDataInput {
  readonly node: InventoryNode
  /** The NC-7 winning ClusterDefaults spec, if any. */
  readonly clusterDefaults?: ClusterDefaultsSpec | undefined
  /** The NC-7 winning InstanceInfo spec for the node, if any. */
  readonly instanceInfo?: InstanceInfoSpec | undefined
  /** The NC-7 winning Group spec for an SMD label, or `undefined` when none is stored. */
  readonly groupSpec: (label: string) => GroupSpec | undefined
  /** `public_url` (CFG), the last `cloud_init_base_url` fallback (NC-5). */
  readonly publicUrl?: string | undefined
}

/**
 * NC-5: the meta-data document, keys in the NC-12 order. Empty values are omitted except the *always* keys
 * (`instance-id`, `local-hostname`, `hostname`, `cluster-name` — `""` without ClusterDefaults — and
 * `vendor_data.version`). Public keys are ClusterDefaults' then InstanceInfo's, not de-duplicated; `nid` is omitted
 * when 0; `interfaces` appear only when the node has both NICs and interfaces; `groups` only with memberships
 * (unreadable memberships count as none).
 */
export function buildMetaData(input: MetaDataInput): MetaDataDocument {
  const { node, clusterDefaults: cd, instanceInfo: ii } = input
  const fallbackHostname = defaultHostname(node.nid, cd)
  const instanceId = ii?.instance_id || node.xname
  const localHostname = ii?.local_hostname || fallbackHostname
  const hostname = ii?.hostname || fallbackHostname
  const boot = bootAddress(node)
  const publicKeys = [...(cd?.public_keys ?? []), ...(ii?.public_keys ?? [])]
  const baseUrl = resolveBaseUrl({ instanceInfo: ii, clusterDefaults: cd, publicUrl: input.publicUrl })
  const labels = node.groups ?? []

  const vendorData: MetaDataVendorData = {
    version: '1.0',
    ...(baseUrl ? { cloud_init_base_url: baseUrl } : {}),
    ...(cd?.cluster_name ? { cluster_name: cd.cluster_name } : {}),
    ...(node.nid !== 0 ? { nid: node.nid } : {}),
    ...(node.role ? { role: node.role } : {}),
    ...(boot.mac ? { mac: boot.mac } : {}),
    ...(node.nics.length > 0 && node.interfaces.length > 0 ? { interfaces: buildInterfaces(node) } : {}),
    ...(labels.length > 0 ? { groups: buildGroupsMap(labels, input.groupSpec) } : {}),
  }
  return {
    'instance-id': instanceId,
    'local-hostname': localHostname,
    hostname,
    'cluster-name': cd?.cluster_name ?? '',
    instance_data: {
      v1: {
        cloud_name: 'OpenCHAMI',
        ...(cd?.availability_zone ? { availability_zone: cd.availability_zone } : {}),
        instance_id: instanceId,
        local_hostname: localHostname,
        ...(cd?.region ? { region: cd.region } : {}),
        hostname,
        ...(boot.ip ? { local_ipv4: boot.ip } : {}),
        ...(cd?.cloud_provider ? { cloud_provider: cd.cloud_provider } : {}),
        ...(publicKeys.length > 0 ? { public_keys: publicKeys } : {}),
        vendor_data: vendorData,
      },
    },
  }
}

/** NC-1 body: the document as YAML with NC-11 quoting (`version: "1.0"`, `hostname: "1000"`). */
export function renderMetaData(doc: MetaDataDocument): string {
  return toYamlText(doc)
}
