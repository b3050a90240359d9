// Wire schemas of the SMD payloads (SMD-5). They are lenient about fields we do not read (SMD grows new ones) and
// strict about the types of the fields we do read. Objects are stripped to what we use, which also keeps the
// snapshot small at 100k nodes.
import { z } from 'zod'
import { MetadataError } from '@metadata-service/core'

/** A string that SMD may omit or send as `null`; absent reads as "". */
const text = z
  .string()
  .nullish()
  .transform((v) => v ?? '')

/** `NID`: a number or a numeric string; absent or null means 0 (SMD-5). */
const nid = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\s*\d+\s*$/, 'must be a numeric string').transform(Number)])
  .nullish()
  .transform((v) => v ?? 0)

/** A list SMD may send as `null` or omit; absent reads as `[]`. */
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((v): z.output<T>[] => v ?? [])

/** One entry of `/State/Components`. `IP`, `IPAddress` and `MAC` appear in fixtures and the mock only. */
export const WireComponentSchema = z.object({
  ID: z.string().min(1),
  NID: nid,
  Role: text,
  IP: z.string().optional(),
  IPAddress: z.string().optional(),
  MAC: z.string().optional(),
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

/** One entry of `/memberships`; labels come from `groupLabels`, else `Groups`, else `GroupLabels` (SMD-5). */
export const WireMembershipSchema = z
  .object({
    id: z.string().min(1),
    groupLabels: z.array(z.string()).nullish(),
    Groups: z.array(z.string()).nullish(),
    GroupLabels: z.array(z.string()).nullish(),
    partitionName: text,
  })
  .transform((m) => ({ id: m.id, labels: m.groupLabels ?? m.Groups ?? m.GroupLabels ?? [], partitionName: m.partitionName }))
export type WireMembership = z.output<typeof WireMembershipSchema>

const MembershipListSchema = z.array(WireMembershipSchema)

/** A NIC under `RedfishSystemInfo`; `InterfaceEnabled` absent means false (SMD-5). */
export const WireNicSchema = z.object({
  RedfishId: z
    .union([z.string(), z.number().transform(String)])
    .nullish()
    .transform((v) => v ?? ''),
  Description: text,
  MACAddress: text,
  PermanentMACAddress: text,
  InterfaceEnabled: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
})
export type WireNic = z.output<typeof WireNicSchema>

/** One ComponentEndpoint; NICs from `EthernetNICInfo` (real SMD), else `EthNICInfo` (SMD-5). */
export const WireEndpointSchema = z
  .object({
    ID: z.string().min(1),
    RedfishSystemInfo: z.object({ EthernetNICInfo: list(WireNicSchema), EthNICInfo: list(WireNicSchema) }).nullish(),
  })
  .transform((e) => {
    const info = e.RedfishSystemInfo
    const nics = info ? (info.EthernetNICInfo.length > 0 ? info.EthernetNICInfo : info.EthNICInfo) : []
    return { id: e.ID, nics }
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

/**
 * Parses an SMD payload with `schema`. A payload that does not fit rejects with
 * `MetadataError('INVENTORY_UNAVAILABLE', 'invalid SMD <what> response: <first issue>')`.
 */
export function decodeWire<T extends z.ZodType>(schema: T, payload: unknown, what: string): z.output<T> {
  const result = schema.safeParse(payload)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''
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
  return decodeWire(ComponentListSchema, payload, 'components').Components
}

/** `/Inventory/EthernetInterfaces[?…]`: a bare array; `null` reads as none. */
export function parseInterfaces(payload: unknown): WireInterface[] {
  return decodeWire(InterfaceListSchema, payload, 'EthernetInterfaces')
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
  return decodeWire(EndpointEnvelopeSchema, payload, 'ComponentEndpoints').ComponentEndpoints
}
