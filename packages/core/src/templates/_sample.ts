import type { GroupSpec } from '../domain/group.js'
import { buildGroupsMap } from '../nocloud/groups.js'
import type { MetaDataDocument, MetaDataInterface } from '../nocloud/meta-data-document.js'

const HOSTNAME = 'test-host'
const INSTANCE_ID = 'x1000c0s0b0n0'
const CLUSTER_NAME = 'test-cluster'
const IP = '192.0.2.1'
const MAC = '00:11:22:33:44:55'

/** TPL-6 `interfaces`, keys in NC-9 (sorted) order. */
function sampleInterfaces(): MetaDataInterface[] {
  return [
    {
      description: 'Node Management Network',
      enabled: true,
      ip: IP,
      ip_addresses: [{ ip: IP, network: 'HMN' }],
      mac: MAC,
      name: 'eth0',
      network: 'HMN',
      redfishid: '1',
    },
  ]
}

/** The NC-5 document of the TPL-6 sample values, with `groups` holding only `groupName` (NC-10 rules). */
export function sampleMetaDataDocument(groupName: string, spec: GroupSpec): MetaDataDocument {
  const groups = buildGroupsMap([groupName], () => spec)
  return {
    'instance-id': INSTANCE_ID,
    'local-hostname': HOSTNAME,
    hostname: HOSTNAME,
    'cluster-name': CLUSTER_NAME,
    instance_data: {
      v1: {
        cloud_name: 'OpenCHAMI',
        availability_zone: 'us-west-1a',
        instance_id: INSTANCE_ID,
        local_hostname: HOSTNAME,
        region: 'us-west-1',
        hostname: HOSTNAME,
        local_ipv4: IP,
        cloud_provider: 'OpenCHAMI',
        public_keys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISampleKey sample@example'],
        vendor_data: {
          version: '1.0',
          cloud_init_base_url: 'http://cloud-init.local',
          cluster_name: CLUSTER_NAME,
          nid: 1000,
          role: 'compute',
          mac: MAC,
          interfaces: sampleInterfaces(),
          groups,
        },
      },
    },
  }
}

