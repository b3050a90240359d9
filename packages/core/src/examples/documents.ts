// Documents the mock node x1000c0s0b0n0 receives after the SPEC §14 quick start (NC-12, NC-13, AT-11, AT-15).

/** NC-12: `/meta-data` of the mock n0 under the default setup (F-CD, F-COMPUTE, F-GREEN); compare parsed. */
export const GOLDEN_META_DATA = `instance-id: x1000c0s0b0n0
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
      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITestKeyExample demo@example
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

/** NC-13 / AT-7: `/vendor-data` of the mock n0 under the default setup, exact. */
export const GOLDEN_VENDOR_DATA = '#include\nhttp://localhost:8888/compute.yaml\nhttp://localhost:8888/green.yaml\n'

/** AT-11: `/compute.yaml` of the mock n0 under the default setup, exact. */
export const GOLDEN_COMPUTE_YAML =
  '#cloud-config\nhostname: tc1000\nwrite_files:\n  - path: /etc/node-role\n    content: |\n      ROLE=compute\n      NID=1000\n      IP=10.252.0.26\n'

/** AT-11: `/green.yaml` of the mock n0 under the default setup, exact. */
export const GOLDEN_GREEN_YAML = '#cloud-config\nwrite_files:\n  - path: /etc/node-color\n    content: |\n      COLOR=green\n'

/** AT-15: `/network-config` of the mock n0, exact (block style as `yaml` writes it). */
export const GOLDEN_NETWORK_CONFIG = [
  'version: 1',
  'config:',
  '  - type: physical',
  '    name: eth0',
  '    mac_address: b4:2e:99:be:1a:6d',
  '    description: Node Management Network',
  '    subnets:',
  '      - type: static',
  '        address: 10.252.0.26/24',
  '  - type: physical',
  '    name: eth1',
  '    mac_address: b4:2e:99:be:1a:6e',
  '    description: High Speed Network',
  '    subnets:',
  '      - type: static',
  '        address: 10.100.0.26/24',
  '',
].join('\n')
