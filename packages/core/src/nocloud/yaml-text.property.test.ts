import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { emitYamlDocument } from './_yaml-emit.js'
import { toYamlTextReference } from './_yaml-reference.js'
import { TRICKY_SCALARS } from './_yaml-samples.js'
import { setOwn } from './groups.js'
import { toYamlText } from './yaml-text.js'

// Adversarial strings: arbitrary UTF-16 (lone surrogates included), graphemes, tricky YAML scalars, and strings over
// YAML indicator characters so that the fast path is taken often, not only the fallback (NC-11, OPS-7).
const indicatorChars = fc.constantFrom(...'ab1.:-?#&*!|>\'"%@`,[]{} \t~=/eyYnN0x_<'.split(''))
const str = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom(...TRICKY_SCALARS),
  fc.string({ unit: indicatorChars, maxLength: 8 }),
  fc.tuple(fc.constantFrom(...TRICKY_SCALARS), fc.constantFrom(...TRICKY_SCALARS)).map(([a, b]) => a + b),
)
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined })
/** Object with keys in the given order, optional keys left out when absent (as the NC-5 builders do). */
const ordered = (entries: [string, unknown][]) => Object.fromEntries(entries.filter(([, v]) => v !== undefined))

const iface = fc.record({ description: str, enabled: fc.boolean(), ip: optional(str), ips: optional(fc.array(fc.record({ ip: str, network: str }), { minLength: 2, maxLength: 3 })), mac: str, network: optional(str), redfishid: str })
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
const metaData = fc
  .record({ id: str, host: str, cluster: str, az: optional(str), key: optional(fc.array(str, { minLength: 1, maxLength: 3 })), nid: optional(fc.integer()), mac: optional(str), ifaces: optional(fc.array(iface, { minLength: 1, maxLength: 3 })), groups: optional(groups) })
  .map((m) => ({
    'instance-id': m.id,
    'local-hostname': m.host,
    hostname: m.host,
    'cluster-name': m.cluster,
    instance_data: { v1: ordered([['cloud_name', 'OpenCHAMI'], ['availability_zone', m.az], ['instance_id', m.id], ['public_keys', m.key], ['vendor_data', ordered([['version', '1.0'], ['nid', m.nid], ['mac', m.mac], ['interfaces', m.ifaces], ['groups', m.groups]])]]) },
  }))
const networkConfig = fc
  .array(fc.record({ name: str, mac: str, description: str, ip: optional(str) }), { maxLength: 3 })
  .map((items) => ({
    version: 1,
    config: items.map((i) => ordered([['type', 'physical'], ['name', i.name], ['mac_address', i.mac], ['description', i.description], ['subnets', i.ip === undefined ? undefined : [{ type: 'static', address: `${i.ip}/24` }]]])),
  }))

describe('toYamlText equals the yaml package byte for byte (OPS-7, NC-11)', () => {
  for (const [name, arb] of [['meta-data', metaData], ['network-config', networkConfig]] as const) {
    it(`${name}-shaped documents with adversarial strings`, () => {
      let fast = 0
      fc.assert(
        fc.property(arb, (doc) => {
          if (emitYamlDocument(doc) !== undefined) fast++
          expect(toYamlText(doc)).toBe(toYamlTextReference(doc))
        }),
        { numRuns: 2500 },
      )
      // The comparison must exercise the fast emitter, not only its fallback.
      expect(fast).toBeGreaterThan(100)
    })
  }
})
