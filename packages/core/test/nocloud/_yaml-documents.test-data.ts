import fc from 'fast-check'
import { setOwn } from '../../src/nocloud/groups.js'

// Document-shaped arbitraries for the YAML emitter's property tests (NC-5, NC-10, NC-15 shapes), over any string
// arbitrary: the byte-equality test feeds ordinary strings, the PyYAML test hostile ones (issue 16).

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined })
/** Object with keys in the given order, optional keys left out when absent (as the NC-5 builders do). */
const ordered = (entries: [string, unknown][]) => Object.fromEntries(entries.filter(([, v]) => v !== undefined))

/** meta-data-shaped documents (NC-5 key order, NC-10 groups) whose strings come from `str`. */
export function metaDataDocuments(str: fc.Arbitrary<string>): fc.Arbitrary<Record<string, unknown>> {
  const iface = fc
    .record({ description: str, enabled: fc.boolean(), ip: optional(str), ips: optional(fc.array(fc.record({ ip: str, network: str }), { minLength: 2, maxLength: 3 })), mac: str, network: optional(str), redfishid: str })
    .map((i) => ordered([['description', i.description], ['enabled', i.enabled], ['ip', i.ip], ['ip_addresses', i.ips], ['mac', i.mac], ['name', 'eth0'], ['network', i.network], ['redfishid', i.redfishid]]))
  const groups = fc.array(fc.tuple(str, fc.array(fc.tuple(str, str), { maxLength: 3 })), { maxLength: 3 }).map((labels) => {
    const map: Record<string, Record<string, string>> = {}
    for (const [label, pairs] of labels) {
      const value: Record<string, string> = {}
      for (const [k, v] of pairs) setOwn(value, k, v)
      setOwn(map, label, value)
    }
    return map
  })
  return fc
    .record({ id: str, host: str, cluster: str, az: optional(str), key: optional(fc.array(str, { minLength: 1, maxLength: 3 })), nid: optional(fc.integer()), mac: optional(str), ifaces: optional(fc.array(iface, { minLength: 1, maxLength: 3 })), groups: optional(groups) })
    .map((m) => ({
      'instance-id': m.id,
      'local-hostname': m.host,
      hostname: m.host,
      'cluster-name': m.cluster,
      instance_data: { v1: ordered([['cloud_name', 'OpenCHAMI'], ['availability_zone', m.az], ['instance_id', m.id], ['public_keys', m.key], ['vendor_data', ordered([['version', '1.0'], ['nid', m.nid], ['mac', m.mac], ['interfaces', m.ifaces], ['groups', m.groups]])]]) },
    }))
}

/** network-config-shaped documents (NC-15 version 1) whose strings come from `str`. */
export function networkConfigDocuments(str: fc.Arbitrary<string>): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .array(fc.record({ name: str, mac: str, description: str, ip: optional(str) }), { maxLength: 3 })
    .map((items) => ({
      version: 1,
      config: items.map((i) => ordered([['type', 'physical'], ['name', i.name], ['mac_address', i.mac], ['description', i.description], ['subnets', i.ip === undefined ? undefined : [{ type: 'static', address: `${i.ip}/24` }]]])),
    }))
}
