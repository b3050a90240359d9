import type { MetaDataDocument } from '../nocloud/meta-data-document.js'

/**
 * The data a group template renders against (TPL-3): the base keys below, `ds` (the same base keys again) and
 * the group's metaData values on top. Typed as a plain record because a metaData key may replace any base key
 * with any JSON value, `hostname` and `ds` included (SPEC §16 TPL-3).
 *
 * Base keys: `hostname`, `local_hostname`, `instance_id`, `cluster_name`, `cloud_provider`, `region`,
 * `availability_zone`, `cloud_name`, `local_ipv4`, `ip` (strings, `""` when absent), `nid` (integer, 0 when
 * unknown), `role`, `mac`, `base_url` (strings), `interfaces`, `public_keys` (lists, `[]` when absent),
 * `vendor_data` (the document's `instance_data.v1.vendor_data`), `meta_data` (the whole document).
 */
export type TemplateContext = Readonly<Record<string, unknown>>

/**
 * Builds the TPL-3 context from a node's NC-5 meta-data document and the group's `spec.metaData`.
 *
 * The document is referenced, not copied: callers must not mutate it afterwards. `vendor_data`, `ds.vendor_data`
 * and `meta_data.instance_data.v1.vendor_data` are the same object, which validation relies on (TPL-5).
 * metaData values are JSON (SPEC §16: objects, arrays, numbers, booleans, null, strings), referenced as they
 * are; a value that is not JSON data (a function) is dropped, so nothing but data reaches the renderer.
 * `groupMetaData` absent means none.
 */
export function buildTemplateContext(metaData: MetaDataDocument, groupMetaData?: Readonly<Record<string, unknown>>): TemplateContext {
  const v1 = metaData.instance_data.v1
  const vendorData = v1.vendor_data
  const localIpv4 = v1.local_ipv4 ?? ''
  const base: Record<string, unknown> = {
    hostname: metaData.hostname,
    local_hostname: metaData['local-hostname'],
    instance_id: metaData['instance-id'],
    cluster_name: metaData['cluster-name'],
    cloud_provider: v1.cloud_provider ?? '',
    region: v1.region ?? '',
    availability_zone: v1.availability_zone ?? '',
    cloud_name: v1.cloud_name,
    local_ipv4: localIpv4,
    nid: vendorData.nid ?? 0,
    role: vendorData.role ?? '',
    mac: vendorData.mac ?? '',
    ip: localIpv4,
    base_url: vendorData.cloud_init_base_url ?? '',
    interfaces: vendorData.interfaces ?? [],
    public_keys: v1.public_keys ?? [],
    vendor_data: vendorData,
    meta_data: metaData,
  }
  const context: Record<string, unknown> = { ...base, ds: base }
  for (const [key, value] of Object.entries(groupMetaData ?? {})) {
    // Defined as an own data property: plain assignment of "__proto__" would replace the prototype instead.
    if (typeof value !== 'function' && value !== undefined) {
      Object.defineProperty(context, key, { value, enumerable: true, writable: true, configurable: true })
    }
  }
  return context
}
