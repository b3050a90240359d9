import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { isWireComponent, isWireEndpoint, isWireInterface, isWireMembership } from '../src/_wire-check.js'
import { WireComponentSchema, WireEndpointSchema, WireInterfaceSchema, WireMembershipSchema } from '../src/wire.js'

// The bulk sync checks records by hand instead of building zod copies (OPS-7); the checks must accept exactly
// what the wire schemas accept (SMD-5), or a sync would take a record a live lookup refuses, or the reverse.

const anything = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, '', ' 7 ', '7', '-1', '1e3', '٣', 0, -0, 1.5, -1, 2 ** 53, 2 ** 53 - 1, 1e300, true, [], {}, [null], ['x']),
)
/** Usually a right-typed value, sometimes anything. */
const mostly = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: anything })
const text = mostly(fc.oneof(fc.string({ maxLength: 5 }), fc.constant(null)))
const texts = mostly(fc.array(text, { maxLength: 3 }))
const id = mostly(fc.string({ maxLength: 4 }))
const record = <T extends Record<string, fc.Arbitrary<unknown>>>(shape: T) => mostly(fc.record(shape, { requiredKeys: [] }))

const component = record({ ID: id, NID: mostly(fc.oneof(fc.nat(), fc.constantFrom(' 12 ', '7', '\u00a07\u00a0'))), Role: text, IP: text, IPAddress: text, MAC: text, Extra: anything })
const iface = record({
  ID: text,
  Description: text,
  MACAddress: text,
  ComponentID: text,
  Type: text,
  IPAddresses: mostly(fc.array(record({ IPAddress: text, Network: text }), { maxLength: 3 })),
})
const membership = record({ id, groupLabels: texts, Groups: texts, GroupLabels: texts, partitionName: text })
const nic = record({ RedfishId: mostly(fc.oneof(fc.string(), fc.integer(), fc.double())), Description: text, MACAddress: text, PermanentMACAddress: text, InterfaceEnabled: mostly(fc.boolean()) })
const endpoint = record({ ID: id, RedfishSystemInfo: record({ EthernetNICInfo: mostly(fc.array(nic, { maxLength: 3 })), EthNICInfo: mostly(fc.array(nic, { maxLength: 3 })) }) })

const CASES = [
  ['components', isWireComponent, WireComponentSchema, component],
  ['interfaces', isWireInterface, WireInterfaceSchema, iface],
  ['memberships', isWireMembership, WireMembershipSchema, membership],
  ['endpoints', isWireEndpoint, WireEndpointSchema, endpoint],
] as const

describe('hand checks of the bulk records agree with the wire schemas (SMD-5, OPS-7)', () => {
  for (const [name, check, schema, arbitrary] of CASES) {
    it(`${name}: accepted by the check exactly when the schema accepts`, () => {
      let accepted = 0
      fc.assert(
        fc.property(arbitrary, (value) => {
          const verdict = (schema as z.ZodType).safeParse(value).success
          expect((check as (v: unknown) => boolean)(value)).toBe(verdict)
          if (verdict) accepted++
        }),
        { numRuns: 3000 },
      )
      // Not vacuous: both verdicts occurred.
      expect(accepted).toBeGreaterThan(100)
      expect(accepted).toBeLessThan(2900)
    })
  }
})
