// Allocation-free checks that accept exactly what the wire schemas of wire.ts accept (SMD-5), for the bulk
// sync (OPS-7): zod's safeParse builds a stripped copy of every one of ~700k objects at 100k nodes, which cost
// a third of the sync in GC. An element that fails a check is handed to its zod schema for the exact issue, so
// the error texts stay those of wire.ts; a property test holds these checks and the schemas to the same verdict.
import type { WireComponent, WireEndpoint, WireInterface, WireMembership } from './wire.js'

type Row = Record<string, unknown>

const isRow = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v)
/** `z.string().nullish()` */
const optText = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string'
const idText = (v: unknown): boolean => typeof v === 'string' && v.length > 0
/** `z.array(z.string()).nullish()` */
const optTextList = (v: unknown): boolean => {
  if (v === undefined || v === null) return true
  if (!Array.isArray(v)) return false
  for (const s of v) if (typeof s !== 'string') return false
  return true
}
const NUMERIC = /^\s*\d+\s*$/

/** {@link WireComponentSchema} */
export function isWireComponent(v: unknown): v is WireComponent {
  if (!isRow(v) || !idText(v.ID)) return false
  const nid = v.NID
  const nidOk =
    nid === undefined ||
    nid === null ||
    (typeof nid === 'number' ? Number.isSafeInteger(nid) && nid >= 0 : typeof nid === 'string' && NUMERIC.test(nid))
  return nidOk && optText(v.Role) && optText(v.IP) && optText(v.IPAddress) && optText(v.MAC)
}

/** {@link WireInterfaceSchema} */
export function isWireInterface(v: unknown): v is WireInterface {
  if (!isRow(v)) return false
  if (!(optText(v.ID) && optText(v.Description) && optText(v.MACAddress) && optText(v.ComponentID) && optText(v.Type))) return false
  const ips = v.IPAddresses
  if (ips === undefined || ips === null) return true
  if (!Array.isArray(ips)) return false
  for (const a of ips) if (!isRow(a) || !optText(a.IPAddress) || !optText(a.Network)) return false
  return true
}

/** {@link WireMembershipSchema} */
export function isWireMembership(v: unknown): v is WireMembership {
  return (
    isRow(v) &&
    idText(v.id) &&
    optTextList(v.groupLabels) &&
    optTextList(v.Groups) &&
    optTextList(v.GroupLabels) &&
    optText(v.partitionName)
  )
}

const isNic = (v: unknown): boolean => {
  if (!isRow(v)) return false
  const id = v.RedfishId
  const on = v.InterfaceEnabled
  return (
    (id === undefined || id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id))) &&
    optText(v.Description) &&
    optText(v.MACAddress) &&
    optText(v.PermanentMACAddress) &&
    (on === undefined || on === null || typeof on === 'boolean')
  )
}
const optNicList = (v: unknown): boolean => {
  if (v === undefined || v === null) return true
  if (!Array.isArray(v)) return false
  for (const n of v) if (!isNic(n)) return false
  return true
}

/** {@link WireEndpointSchema} */
export function isWireEndpoint(v: unknown): v is WireEndpoint {
  if (!isRow(v) || !idText(v.ID)) return false
  const info = v.RedfishSystemInfo
  if (info === undefined || info === null) return true
  return isRow(info) && optNicList(info.EthernetNICInfo) && optNicList(info.EthNICInfo)
}
