// Wire schemas of the SMD payloads (SMD-5). They are lenient about fields we do not read (SMD grows new ones) and
// strict about the types of the fields we do read. The schemas hold no transforms: zod then validates about twice
// as fast as JSON.parse reads, where per-field transforms made it three times slower (100k nodes, OPS-7). The
// SMD-5 defaults (absent NID is 0, label and NIC field precedence, absent InterfaceEnabled is false) are applied
// once, by the helpers below, while the snapshot is built.
import { z } from 'zod'
import { MetadataError } from '@metadata-service/core'

/** A string SMD may omit or send as `null`. */
const text = z.string().nullish()
const list = <T extends z.ZodType>(item: T) => z.array(item).nullish()

/** One entry of `/State/Components`. `IP`, `IPAddress` and `MAC` appear in fixtures and the mock only. */
export const WireComponentSchema = z.object({
  ID: z.string().min(1),
  /** A number or a numeric string (SMD-5); see {@link componentNid}. */
  NID: z.union([z.number().int().nonnegative(), z.string().regex(/^\s*\d+\s*$/, 'must be a numeric string')]).nullish(),
  Role: text,
  IP: text,
  IPAddress: text,
  MAC: text,
})
export type WireComponent = z.output<typeof WireComponentSchema>

const ComponentListSchema = z.object({ Components: list(WireComponentSchema) })

/** One IP of an EthernetInterface. */
export const WireIpAddressSchema = z.object({ IPAddress: text, Network: text })

/** One entry of `/Inventory/EthernetInterfaces` (a bare array on the wire). */
export const WireInterfaceSchema = z.object({
  ID: text,
  Description: text,
  MACAddress: text,
  ComponentID: text,
  Type: text,
  IPAddresses: list(WireIpAddressSchema),
})
export type WireInterface = z.output<typeof WireInterfaceSchema>

const InterfaceListSchema = list(WireInterfaceSchema)

/** One entry of `/memberships`; see {@link membershipLabels}. */
export const WireMembershipSchema = z.object({
  id: z.string().min(1),
  groupLabels: list(z.string()),
  Groups: list(z.string()),
  GroupLabels: list(z.string()),
  partitionName: text,
})
export type WireMembership = z.output<typeof WireMembershipSchema>

const MembershipListSchema = z.array(WireMembershipSchema)

/** A NIC under `RedfishSystemInfo`. */
export const WireNicSchema = z.object({
  RedfishId: z.union([z.string(), z.number()]).nullish(),
  Description: text,
  MACAddress: text,
  PermanentMACAddress: text,
  InterfaceEnabled: z.boolean().nullish(),
})
export type WireNic = z.output<typeof WireNicSchema>

/** One ComponentEndpoint; see {@link endpointNics}. */
export const WireEndpointSchema = z.object({
  ID: z.string().min(1),
  RedfishSystemInfo: z.object({ EthernetNICInfo: list(WireNicSchema), EthNICInfo: list(WireNicSchema) }).nullish(),
})
export type WireEndpoint = z.output<typeof WireEndpointSchema>

const EndpointListSchema = z.array(WireEndpointSchema)
const EndpointEnvelopeSchema = z.object({ ComponentEndpoints: list(WireEndpointSchema) })

/** The four bulk payloads of one sync (SMD-7), parsed. */
export interface WireBulk {
  readonly components: readonly WireComponent[]
  readonly interfaces: readonly WireInterface[]
  /** `undefined` when the memberships could not be read (live lookups only; a sync is all-or-nothing). */
  readonly memberships: readonly WireMembership[] | undefined
  readonly endpoints: readonly WireEndpoint[]
}

// --- SMD-5 defaults ---

/** `NID` as a number: a numeric string is converted; absent or null is 0 (SMD-5). */
export function componentNid(c: WireComponent): number {
  return typeof c.NID === 'string' ? Number(c.NID.trim()) : (c.NID ?? 0)
}

/** A membership's labels: `groupLabels`, else `Groups`, else `GroupLabels`, else none (SMD-5). */
export function membershipLabels(m: WireMembership): readonly string[] {
  return m.groupLabels ?? m.Groups ?? m.GroupLabels ?? []
}

/** An endpoint's NICs: `RedfishSystemInfo.EthernetNICInfo` (real SMD) when non-empty, else `EthNICInfo` (SMD-5). */
export function endpointNics(e: WireEndpoint): readonly WireNic[] {
  const info = e.RedfishSystemInfo
  if (!info) return []
  return info.EthernetNICInfo?.length ? info.EthernetNICInfo : (info.EthNICInfo ?? [])
}

// --- payload envelopes ---

/**
 * Parses an SMD payload with `schema`. A payload that does not fit rejects with
 * `MetadataError('INVENTORY_UNAVAILABLE', 'invalid SMD <what> response: <path>: <first issue>')`; `at` is the
 * payload's own path inside the response (an element of a streamed list: `['Components', 7]`), default none.
 */
export function decodeWire<T extends z.ZodType>(
  schema: T,
  payload: unknown,
  what: string,
  at: readonly PropertyKey[] = [],
): z.output<T> {
  const result = schema.safeParse(payload)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const path = issue ? [...at, ...issue.path] : at
  const where = path.length > 0 ? `${path.map(String).join('.')}: ` : ''
  throw new MetadataError('INVENTORY_UNAVAILABLE', `invalid SMD ${what} response: ${where}${issue?.message ?? 'invalid'}`, {
    cause: result.error,
  })
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * `/State/Components` (`{"Components":[…]}`) or `/State/Components/{x}` (one object; without `ID`, its
 * `Components` list is used). Returns the components in SMD order.
 */
export function parseComponents(payload: unknown): WireComponent[] {
  if (isRecord(payload) && 'ID' in payload) return [decodeWire(WireComponentSchema, payload, 'component')]
  return decodeWire(ComponentListSchema, payload, 'components').Components ?? []
}

/** `/Inventory/EthernetInterfaces[?…]`: a bare array; `null` reads as none. */
export function parseInterfaces(payload: unknown): WireInterface[] {
  return decodeWire(InterfaceListSchema, payload, 'EthernetInterfaces') ?? []
}

/** `/memberships` (array) or `/memberships/{x}` (one object); `null` reads as none. */
export function parseMemberships(payload: unknown): WireMembership[] {
  if (payload === null) return []
  if (isRecord(payload)) return [decodeWire(WireMembershipSchema, payload, 'membership')]
  return decodeWire(MembershipListSchema, payload, 'memberships')
}

/** `/Inventory/ComponentEndpoints` (`{"ComponentEndpoints":[…]}` or a bare array) or one endpoint object. */
export function parseEndpoints(payload: unknown): WireEndpoint[] {
  if (Array.isArray(payload)) return decodeWire(EndpointListSchema, payload, 'ComponentEndpoints')
  if (isRecord(payload) && 'ID' in payload) return [decodeWire(WireEndpointSchema, payload, 'ComponentEndpoint')]
  return decodeWire(EndpointEnvelopeSchema, payload, 'ComponentEndpoints').ComponentEndpoints ?? []
}

// --- TokenSmith (TOK-5) ---

/** A field of the wrong type reads as missing, so the TOK-5 "missing …" texts cover it. */
const maybe = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined)

/** A TokenSmith token response. Unknown fields are ignored; `expires_in` may be a number or numeric string. */
export const WireTokenResponseSchema = z.object({
  access_token: maybe(z.string().min(1)),
  token_type: maybe(z.string()),
  expires_in: maybe(z.coerce.number().finite()),
  refresh_token: maybe(z.string().min(1)),
  refresh_expires_in: maybe(z.coerce.number().finite()),
  scope: maybe(z.string()),
  issued_token_type: maybe(z.string()),
})
export type WireTokenResponse = z.output<typeof WireTokenResponseSchema>
