/** One NC-9 interface entry (keys sorted when serialised). */
export interface MetaDataInterface {
  description: string
  enabled: boolean
  ip?: string
  ip_addresses?: { ip: string; network: string }[]
  mac: string
  name: string
  network?: string
  redfishid: string
}

/** `instance_data.v1.vendor_data` (NC-5). Optional keys are omitted when empty. */
export interface MetaDataVendorData {
  version: '1.0'
  cloud_init_base_url?: string
  cluster_name?: string
  nid?: number
  role?: string
  mac?: string
  interfaces?: MetaDataInterface[]
  /** NC-10: every membership; `{description?, ...metaData}` (metaData values any JSON) or `{}`. */
  groups?: Record<string, Record<string, unknown>>
}

/**
 * The NC-5 meta-data document as a plain object whose key insertion order is the NC-12 order, so serialising it
 * with the `yaml` package gives the golden text. Also the `meta_data` of the template context (TPL-3).
 */
export interface MetaDataDocument {
  'instance-id': string
  'local-hostname': string
  hostname: string
  'cluster-name': string
  instance_data: {
    v1: {
      cloud_name: 'OpenCHAMI'
      availability_zone?: string
      instance_id: string
      local_hostname: string
      region?: string
      hostname: string
      local_ipv4?: string
      cloud_provider?: string
      public_keys?: string[]
      vendor_data: MetaDataVendorData
    }
  }
}
