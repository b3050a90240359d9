import type { ClusterDefaultsSpec } from '../domain/cluster-defaults.js'
import type { GroupSpec } from '../domain/group.js'

// The SPEC §14 quick start: the resources an operator creates first, and the documents the mock node
// x1000c0s0b0n0 then receives. One home for these texts: the OpenAPI examples, the README checks and the tests
// all read them from here.

/** SPEC §14 K1: the public key of F-CD. */
export const K1 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITestKeyExample demo@example'

/** A create request body, `{metadata: {name}, spec}` (RES-3), as the quick start's JSON files hold it. */
export interface FixtureRequest<S> {
  readonly metadata: { readonly name: string }
  readonly spec: S
}

/** F-CD: ClusterDefaults `demo-cluster`. */
export const QUICKSTART_CLUSTER_DEFAULTS: FixtureRequest<ClusterDefaultsSpec> = {
  metadata: { name: 'demo-cluster' },
  spec: {
    description: 'Local demo cluster defaults',
    base_url: 'http://localhost:8888',
    cloud_provider: 'OpenCHAMI',
    region: 'lab',
    availability_zone: 'lab-a',
    cluster_name: 'testcluster',
    short_name: 'tc',
    nid_length: 4,
    public_keys: [K1],
  },
}

/** F-COMPUTE: Group `compute` with its Mustache template. */
export const QUICKSTART_GROUP_COMPUTE: FixtureRequest<GroupSpec> = {
  metadata: { name: 'compute' },
  spec: {
    description: 'Compute nodes',
    metaData: { scheduler: 'slurm' },
    template:
      '#cloud-config\nhostname: {{ hostname }}\nwrite_files:\n  - path: /etc/node-role\n    content: |\n' +
      '      ROLE={{ role }}\n      NID={{ nid }}\n      IP={{ ip }}\n',
  },
}

/** F-GREEN: Group `green` with its Mustache template. */
export const QUICKSTART_GROUP_GREEN: FixtureRequest<GroupSpec> = {
  metadata: { name: 'green' },
  spec: {
    description: 'Green nodes',
    metaData: { color: 'green' },
    template: '#cloud-config\nwrite_files:\n  - path: /etc/node-color\n    content: |\n      COLOR={{ color }}\n',
  },
}
