/** NC-2 and NC-16 steps 4 and 6: the whole `/user-data` body and the body of a group with nothing to render. */
export const CLOUD_CONFIG_HEADER = '#cloud-config\n'

/** NC-13: the vendor-data body when no membership has a template (and the NC-17 fallback). */
export const MINIMAL_VENDOR_DATA = '#include\n'

/** NC-15: the network-config body for a node without NICs or interfaces (and the NC-17 fallback). */
export const MINIMAL_NETWORK_CONFIG = 'version: 1\nconfig: []\n'

/** Media types of the NoCloud documents (NC-1..NC-4a). */
export const NOCLOUD_CONTENT_TYPES = {
  metaData: 'application/x-yaml',
  userData: 'text/cloud-config',
  vendorData: 'text/plain',
  networkConfig: 'text/cloud-config',
  group: 'text/cloud-config',
} as const
