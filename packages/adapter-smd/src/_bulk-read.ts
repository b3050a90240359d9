// One SMD bulk payload read from its body as it arrives (SMD-7, OPS-7): elements are checked and handed to a
// sink cut by cut, so neither the body text nor the parsed list is ever whole in memory. The outcome, errors
// and their texts included, is that of `parse<Payload>(JSON.parse(body))` in wire.ts (SMD-5, SMD-6):
// - a body that is not JSON fails with `invalid SMD response from <path>: <JSON.parse message>` even when an
//   element before the bad byte did not fit (JSON.parse came first);
// - else the first element that does not fit fails with `invalid SMD <what> response: <path to field>: <issue>`;
// - bodies of other shapes (one object, `null`, blank, …) are read whole and given to the wire.ts parser.
import type { z } from 'zod'
import type { MetadataError } from '@metadata-service/core'
import { createJsonArrayStream } from './_json-array-stream.js'
import { smdJson, smdSyntaxError } from './_request.js'
import { isWireComponent, isWireEndpoint, isWireInterface, isWireMembership } from './_wire-check.js'
import type { SnapshotPart } from './snapshot.js'
import {
  WireComponentSchema,
  WireEndpointSchema,
  WireInterfaceSchema,
  WireMembershipSchema,
  decodeWire,
  parseComponents,
  parseEndpoints,
  parseInterfaces,
  parseMemberships,
  type WireComponent,
  type WireEndpoint,
  type WireInterface,
  type WireMembership,
} from './wire.js'

/** One of the four bulk payloads. */
export interface BulkPayload<T> {
  readonly part: SnapshotPart
  /** Under the SMD base URL (SMD-4). */
  readonly path: string
  /** Array shapes read in cuts: `undefined` for a bare array, else the envelope key. */
  readonly envelopes: readonly (string | undefined)[]
  /** The `<what>` of list errors (wire.ts). */
  readonly what: string
  readonly check: (value: unknown) => value is T
  readonly schema: z.ZodType<T>
  /** The wire.ts parser of the whole payload. */
  readonly parse: (payload: unknown) => T[]
}

export const COMPONENTS: BulkPayload<WireComponent> = {
  part: 'components',
  path: '/State/Components',
  envelopes: ['Components'],
  what: 'components',
  check: isWireComponent,
  schema: WireComponentSchema,
  parse: parseComponents,
}
export const INTERFACES: BulkPayload<WireInterface> = {
  part: 'interfaces',
  path: '/Inventory/EthernetInterfaces',
  envelopes: [undefined],
  what: 'EthernetInterfaces',
  check: isWireInterface,
  schema: WireInterfaceSchema,
  parse: parseInterfaces,
}
export const MEMBERSHIPS: BulkPayload<WireMembership> = {
  part: 'memberships',
  path: '/memberships',
  envelopes: [undefined],
  what: 'memberships',
  check: isWireMembership,
  schema: WireMembershipSchema,
  parse: parseMemberships,
}
export const ENDPOINTS: BulkPayload<WireEndpoint> = {
  part: 'endpoints',
  path: '/Inventory/ComponentEndpoints',
  envelopes: [undefined, 'ComponentEndpoints'],
  what: 'ComponentEndpoints',
  check: isWireEndpoint,
  schema: WireEndpointSchema,
  parse: parseEndpoints,
}

/** Receives the records of one payload in order; `reset` drops those received so far. */
export interface PayloadSink<T> {
  add(record: T): void
  reset(): void
}

/**
 * Reads `chunks` (a 2xx body) as `payload` into `sink`. Rejects with INVENTORY_UNAVAILABLE as above; errors of
 * `chunks` itself propagate unchanged.
 */
export async function readBulkPayload<T>(
  chunks: AsyncIterable<Uint8Array>,
  payload: BulkPayload<T>,
  sink: PayloadSink<T>,
): Promise<void> {
  let misfit: MetadataError | undefined
  const stream = createJsonArrayStream({
    envelopes: payload.envelopes,
    onElements(elements, first, envelope) {
      if (misfit) return
      for (let k = 0; k < elements.length; k++) {
        const element = elements[k]
        if (payload.check(element)) {
          sink.add(element)
          continue
        }
        // The check and the schema agree (property-tested); the schema gives the exact issue text.
        try {
          sink.add(decodeWire(payload.schema, element, payload.what, envelope === undefined ? [first + k] : [envelope, first + k]))
        } catch (err) {
          misfit = err as MetadataError
          return
        }
      }
    },
  })
  for await (const chunk of chunks) stream.push(chunk)
  let end
  try {
    end = stream.end()
  } catch (err) {
    throw smdSyntaxError(err, payload.path)
  }
  const whole =
    end.kind === 'text'
      ? smdJson(end.text, payload.path)
      : end.later && (end.later.keys.has('ID') || (end.envelope !== undefined && end.later.keys.has(end.envelope)))
        ? end.later.value // a later key decides the payload's meaning, as in JSON.parse + wire.ts
        : undefined
  if (whole !== undefined || end.kind === 'text') {
    sink.reset()
    for (const record of payload.parse(whole)) sink.add(record)
    return
  }
  if (misfit) throw misfit
}
