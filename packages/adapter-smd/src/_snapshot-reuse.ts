// Comparisons that let a sync keep the previous snapshot's objects for records SMD did not change (SMD-9,
// OPS-7). Between two syncs almost nothing changes, so the new snapshot shares nearly all of its nodes,
// interfaces and NICs with the one being served, instead of holding a second full copy while it is built:
// less memory at the peak, far less garbage and promotion. The objects are frozen, so sharing them is safe,
// and a shared object equals what a fresh build would make (property-tested).
import type { InventoryInterface, InventoryNic, InventoryNode } from '@metadata-service/core'
import type { WireInterface, WireNic } from './wire.js'

/** `prev` has exactly the fields the snapshot builder would make from `w`. */
export function interfaceMatches(prev: InventoryInterface, w: WireInterface): boolean {
  if (prev.id !== (w.ID ?? '') || prev.mac !== (w.MACAddress ?? '')) return false
  if (prev.description !== (w.Description ?? '') || prev.type !== (w.Type ?? '')) return false
  const ips = w.IPAddresses ?? []
  if (prev.ipAddresses.length !== ips.length) return false
  for (let k = 0; k < ips.length; k++) {
    const a = ips[k]!
    const p = prev.ipAddresses[k]!
    if (p.ip !== (a.IPAddress ?? '') || p.network !== (a.Network ?? '')) return false
  }
  return true
}

/** `prev` has exactly the NICs the snapshot builder would make from `wire`. */
export function nicsMatch(prev: readonly InventoryNic[], wire: readonly WireNic[]): boolean {
  if (prev.length !== wire.length) return false
  for (let k = 0; k < wire.length; k++) {
    const n = wire[k]!
    const p = prev[k]!
    const id = n.RedfishId == null ? '' : typeof n.RedfishId === 'string' ? n.RedfishId : String(n.RedfishId)
    if (p.redfishId !== id || p.mac !== (n.MACAddress ?? '') || p.permanentMac !== (n.PermanentMACAddress ?? '')) return false
    if (p.description !== (n.Description ?? '') || p.enabled !== (n.InterfaceEnabled ?? false)) return false
  }
  return true
}

/** `list` holds the same objects as `prev`, in order (then `prev` can stand for it). */
export function sameItems<T>(prev: readonly T[] | undefined, list: readonly T[]): prev is readonly T[] {
  if (prev === undefined || prev.length !== list.length) return false
  for (let k = 0; k < list.length; k++) if (prev[k] !== list[k]) return false
  return true
}

/** The node fields the builder sets, as it would set them. */
export interface NodeFields {
  readonly nid: number
  readonly role: string
  readonly groups: readonly string[] | undefined
  readonly interfaces: readonly InventoryInterface[]
  readonly nics: readonly InventoryNic[]
  readonly componentIp: string | undefined
  readonly componentMac: string | undefined
}

/** `prev` equals the node made of `f` (whose lists are already `prev`'s own where equal). */
export function nodeMatches(prev: InventoryNode, f: NodeFields): boolean {
  return (
    prev.nid === f.nid &&
    prev.role === f.role &&
    prev.groups === f.groups &&
    prev.interfaces === f.interfaces &&
    prev.nics === f.nics &&
    prev.componentIp === f.componentIp &&
    prev.componentMac === f.componentMac
  )
}

/** `prev` holds the same strings as `list`, in order. */
export function sameLabels(prev: readonly string[] | undefined, list: readonly string[] | undefined): boolean {
  if (prev === list) return true
  if (prev === undefined || list === undefined || prev.length !== list.length) return false
  for (let k = 0; k < list.length; k++) if (prev[k] !== list[k]) return false
  return true
}
