// The JSON report of nocloud-driver.py, and the richer group templates of the cloud-init end-to-end test.

/** One part of a processed user-data or vendor-data MIME message. */
export interface DriverPart {
  readonly type: string
  readonly filename: string
  readonly payload: string
  readonly config?: Record<string, unknown>
  readonly empty?: boolean
  readonly schema_errors?: string[]
}

/** A processed user-data or vendor-data document. */
export interface DriverDocument {
  readonly raw: string
  readonly include_urls?: string[]
  readonly parts: DriverPart[]
  readonly merged: Record<string, unknown>
  readonly merged_schema_errors: string[]
}

/** The meta-data as cloud-init loaded it (NC-5 keys plus its own seedfrom and dsmode). */
export interface DriverMetaData {
  [key: string]: unknown
  instance_data: { v1: { local_ipv4: string; public_keys?: string[]; vendor_data: { groups?: unknown; cloud_init_base_url?: string } } }
}

/** What nocloud-driver.py prints. */
export interface DriverReport {
  readonly error?: string
  readonly cloudinit_version: string
  readonly jsonschema: boolean
  readonly datasource: {
    found: boolean
    seed: string
    dsmode: string
    instance_id: string
    hostname: string
    metadata: DriverMetaData
  }
  readonly user_data: DriverDocument
  readonly vendor_data: DriverDocument
  readonly network_config: {
    raw: string
    interfaces: Array<{ name: string; mac_address: string; subnets: Array<{ type: string; address: string; prefix: number }> }>
    eni: string
  }
  readonly status: Record<string, number | string>
  readonly fetches: Array<{ url: string; code: number | null; error?: string }>
  readonly warnings: string[]
}

// Group templates beyond the quick start (TPL-2, TPL-3, TPL-5): sections over lists (public_keys, interfaces),
// metaData and dotted names (meta_data.instance-id, ds.hostname, vendor_data.groups.<group>). merge_how makes
// cloud-init append the two groups' lists instead of letting the later part replace them.
const MERGE_HOW = 'merge_how:\n  - name: list\n    settings: [append]\n  - name: dict\n    settings: [no_replace, recurse_list]\n'

/** `compute`: hostname, keys, a role file and one file per interface, and a command. */
export const COMPUTE_RICH =
  `#cloud-config\n${MERGE_HOW}` +
  'hostname: {{ hostname }}\nfqdn: {{ hostname }}.{{ cluster_name }}.local\n' +
  'ssh_authorized_keys:\n{{#public_keys}}\n  - {{ . }}\n{{/public_keys}}\n' +
  'write_files:\n  - path: /etc/node-role\n    content: |\n      ROLE={{ role }}\n      NID={{ nid }}\n      IP={{ ip }}\n' +
  '      SCHEDULER={{ scheduler }}\n      INSTANCE={{ meta_data.instance-id }}\n' +
  "{{#interfaces}}\n  - path: /etc/mds/interfaces/{{ name }}\n    permissions: '0644'\n    content: |\n" +
  '      MAC={{ mac }}\n      IP={{ ip }}\n      NETWORK={{ network }}\n{{/interfaces}}\n' +
  "runcmd:\n  - [sh, -c, 'echo {{ ds.hostname }} > /run/mds-hostname']\n"

/** `green`: a color file that also reads the compute group's metaData, and a command. */
export const GREEN_RICH =
  `#cloud-config\n${MERGE_HOW}` +
  'write_files:\n  - path: /etc/node-color\n    content: |\n      COLOR={{ color }}\n' +
  '      SCHEDULER={{#vendor_data.groups.compute}}{{ scheduler }}{{/vendor_data.groups.compute}}\n' +
  "runcmd:\n  - [logger, '{{ color }} node {{ hostname }} of {{ cluster_name }}']\n"
