import type { GroupSpec } from '../../src/domain/group.js'
import type { MetaDataDocument } from '../../src/nocloud/meta-data-document.js'

/** K1 (SPEC §14). */
export const K1 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITestKeyExample demo@example'

/** The NC-12 golden meta-data of mock n0 with F-CD, F-COMPUTE and F-GREEN, as a document (NC-5). */
export function goldenMetaData(): MetaDataDocument {
  return {
    'instance-id': 'x1000c0s0b0n0',
    'local-hostname': 'tc1000',
    hostname: 'tc1000',
    'cluster-name': 'testcluster',
    instance_data: {
      v1: {
        cloud_name: 'OpenCHAMI',
        availability_zone: 'lab-a',
        instance_id: 'x1000c0s0b0n0',
        local_hostname: 'tc1000',
        region: 'lab',
        hostname: 'tc1000',
        local_ipv4: '10.252.0.26',
        cloud_provider: 'OpenCHAMI',
        public_keys: [K1],
        vendor_data: {
          version: '1.0',
          cloud_init_base_url: 'http://localhost:8888',
          cluster_name: 'testcluster',
          nid: 1000,
          role: 'compute',
          mac: 'b4:2e:99:be:1a:6d',
          interfaces: [
            {
              description: 'Node Management Network',
              enabled: true,
              ip: '10.252.0.26',
              mac: 'b4:2e:99:be:1a:6d',
              name: 'eth0',
              network: 'HMN',
              redfishid: '1',
            },
            {
              description: 'High Speed Network',
              enabled: true,
              ip: '10.100.0.26',
              mac: 'b4:2e:99:be:1a:6e',
              name: 'eth1',
              network: 'HSN',
              redfishid: '2',
            },
          ],
          groups: {
            compute: { description: 'Compute nodes', scheduler: 'slurm' },
            green: { color: 'green', description: 'Green nodes' },
          },
        },
      },
    },
  }
}

/** The AT-2 document: mock n0 without any resource (no base URL, no keys, empty group entries). */
export function bareMetaData(): MetaDataDocument {
  return {
    'instance-id': 'x1000c0s0b0n0',
    'local-hostname': '1000',
    hostname: '1000',
    'cluster-name': '',
    instance_data: {
      v1: {
        cloud_name: 'OpenCHAMI',
        instance_id: 'x1000c0s0b0n0',
        local_hostname: '1000',
        hostname: '1000',
        vendor_data: { version: '1.0', groups: { compute: {}, green: {} } },
      },
    },
  }
}

/** F-COMPUTE (SPEC §14). */
export const F_COMPUTE: GroupSpec = {
  description: 'Compute nodes',
  metaData: { scheduler: 'slurm' },
  template:
    '#cloud-config\nhostname: {{ hostname }}\nwrite_files:\n  - path: /etc/node-role\n    content: |\n      ROLE={{ role }}\n      NID={{ nid }}\n      IP={{ ip }}\n',
}

/** F-GREEN (SPEC §14). */
export const F_GREEN: GroupSpec = {
  description: 'Green nodes',
  metaData: { color: 'green' },
  template: '#cloud-config\nwrite_files:\n  - path: /etc/node-color\n    content: |\n      COLOR={{ color }}\n',
}

/** A Mustache group spec with the given template and optional metaData. */
export function mustacheSpec(template: string, metaData?: Record<string, string>): GroupSpec {
  return metaData === undefined ? { template } : { template, metaData }
}
