// Examples of the OpenAPI document (SVC-2): the SPEC §14 quick start (F-CD, F-COMPUTE, F-GREEN) and the documents
// the mock node n0 then gets (NC-12, NC-13, AT-11, AT-15). The tests check each one against core's fixtures and
// goldens and send the request examples to the real app, so these copies cannot drift.

const K1 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITestKeyExample demo@example'

/** F-CD: the ClusterDefaults create body of the quick start. */
export const EXAMPLE_CLUSTER_DEFAULTS = {
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

/** F-COMPUTE: the `compute` Group create body. */
export const EXAMPLE_GROUP_COMPUTE = {
  metadata: { name: 'compute' },
  spec: {
    description: 'Compute nodes',
    metaData: { scheduler: 'slurm' },
    template:
      '#cloud-config\nhostname: {{ hostname }}\nwrite_files:\n  - path: /etc/node-role\n    content: |\n' +
      '      ROLE={{ role }}\n      NID={{ nid }}\n      IP={{ ip }}\n',
  },
}

/** F-GREEN: the `green` Group create body. */
export const EXAMPLE_GROUP_GREEN = {
  metadata: { name: 'green' },
  spec: {
    description: 'Green nodes',
    metaData: { color: 'green' },
    template: '#cloud-config\nwrite_files:\n  - path: /etc/node-color\n    content: |\n      COLOR={{ color }}\n',
  },
}

/** An InstanceInfo create body for n0 (AT-3 shape). */
export const EXAMPLE_INSTANCE_INFO = {
  metadata: { name: 'x1000c0s0b0n0' },
  spec: { instance_id: 'x1000c0s0b0n0', hostname: 'custom', public_keys: [K1] },
}

/** A WireGuardPeer create body (AT-36's key). */
export const EXAMPLE_WIREGUARD_PEER = {
  metadata: { name: 'x1000c0s0b0n0' },
  spec: { public_key: '8du8A89mlo7m1r8q4ScfGn6Af8Vx8gfX3E2qhW2C5VQ=', allowed_ip: '100.97.0.2/32' },
}

/** NC-12: `/meta-data` of n0 after the quick start. */
export const EXAMPLE_META_DATA = `instance-id: x1000c0s0b0n0
local-hostname: tc1000
hostname: tc1000
cluster-name: testcluster
instance_data:
  v1:
    cloud_name: OpenCHAMI
    availability_zone: lab-a
    instance_id: x1000c0s0b0n0
    local_hostname: tc1000
    region: lab
    hostname: tc1000
    local_ipv4: 10.252.0.26
    cloud_provider: OpenCHAMI
    public_keys:
      - ${K1}
    vendor_data:
      version: "1.0"
      cloud_init_base_url: http://localhost:8888
      cluster_name: testcluster
      nid: 1000
      role: compute
      mac: b4:2e:99:be:1a:6d
      interfaces:
        - {description: Node Management Network, enabled: true, ip: 10.252.0.26, mac: "b4:2e:99:be:1a:6d", name: eth0, network: HMN, redfishid: "1"}
        - {description: High Speed Network, enabled: true, ip: 10.100.0.26, mac: "b4:2e:99:be:1a:6e", name: eth1, network: HSN, redfishid: "2"}
      groups:
        compute: {description: Compute nodes, scheduler: slurm}
        green: {color: green, description: Green nodes}
`

/** NC-2: `/user-data`, always. */
export const EXAMPLE_USER_DATA = '#cloud-config\n'

/** NC-13 / AT-7: `/vendor-data` of n0 after the quick start. */
export const EXAMPLE_VENDOR_DATA = '#include\nhttp://localhost:8888/compute.yaml\nhttp://localhost:8888/green.yaml\n'

/** AT-11: `/compute.yaml` of n0 after the quick start. */
export const EXAMPLE_COMPUTE_YAML =
  '#cloud-config\nhostname: tc1000\nwrite_files:\n  - path: /etc/node-role\n    content: |\n      ROLE=compute\n      NID=1000\n      IP=10.252.0.26\n'

/** AT-15: `/network-config` of n0. */
export const EXAMPLE_NETWORK_CONFIG = `version: 1
config:
  - type: physical
    name: eth0
    mac_address: b4:2e:99:be:1a:6d
    description: Node Management Network
    subnets:
      - type: static
        address: 10.252.0.26/24
  - type: physical
    name: eth1
    mac_address: b4:2e:99:be:1a:6e
    description: High Speed Network
    subnets:
      - type: static
        address: 10.100.0.26/24
`

/** WG-4 / AT-36: a `/wg-init` exchange. */
export const EXAMPLE_WG_INIT_REQUEST = { public_key: '8du8A89mlo7m1r8q4ScfGn6Af8Vx8gfX3E2qhW2C5VQ=' }
export const EXAMPLE_WG_INIT_RESPONSE = {
  message: 'WireGuard peer allocation accepted',
  'peer-uid': 'wireguardpeer-4b5440ddc0cfb912',
  'client-vpn-ip': '100.97.0.2',
  'server-public-key': 'GzY59HlXkCkfXl9uSkEFTHzOtBsxQFKu3KWGFH5P9Qc=',
  'server-ip': '100.97.0.1',
  'server-port': '51820',
}
