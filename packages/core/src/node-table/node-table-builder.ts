import { grown, nextCapacity } from '../_internal/typed-array-growth.js'
import { addressKey } from '../ip/address-key.js'
import type { InventoryNode } from '../ports/inventory.js'
import { hashBytes, slotsFor } from './_hash.js'
import { float64List, int32List, type Int32List } from './_lists.js'
import { MAX_TABLE_NODES } from './node-identity.js'
import { NODE_TABLE_FORMAT, openNodeTable, type NodeTable, type NodeTableData } from './node-table.js'

/** An address two nodes claim: the first owner keeps it (SMD-9). */
export interface AddressConflict {
  /** The address, canonical. */
  readonly ip: string
  readonly kept: string
  readonly ignored: string
}

/** The duplicate addresses found while building a table: the first few, and how many in all. */
export interface AddressConflicts {
  readonly logged: readonly AddressConflict[]
  readonly count: number
}

/** A finished table's parts and its duplicate addresses. */
export interface BuiltNodeTable {
  readonly data: NodeTableData
  readonly conflicts: AddressConflicts
}

/** Builds a {@link NodeTableData} one node at a time, in inventory order. */
export interface NodeTableBuilder {
  /** Nodes added so far. */
  readonly size: number
  /** Appends `node`; a node whose xname was already added is ignored (the first wins) and `false` returned. */
  add(node: InventoryNode): boolean
  /**
   * The table. Addresses are indexed as SMD-9 says: every node's component IP first, then every node's interface
   * IPs, nodes in order; on a duplicate the first owner wins and the conflict is counted (the first
   * `maxLoggedConflicts` kept, default 20). The builder cannot be used afterwards.
   */
  finish(): BuiltNodeTable
}

/** Strings of repeated fields (roles, labels, descriptions, types, networks, NIC ids) are stored once, up to this many. */
const MAX_SHARED = 10_000
/** Longer strings of those fields are stored per use: a field of unique long values must not fill the table. */
const MAX_SHARED_LENGTH = 64

/** Creates a {@link NodeTableBuilder}. */
export function createNodeTableBuilder(options: { readonly maxLoggedConflicts?: number } = {}): NodeTableBuilder {
  const maxLogged = options.maxLoggedConflicts ?? 20
  let text = new Uint8Array(1 << 16)
  let textEnd = 0
  let ascii = true
  const strings = int32List()
  const records = int32List()
  const starts = int32List()
  const nids = float64List()
  const xnames: string[] = []
  const positions = new Map<string, number>()
  const shared = new Map<string, number>()
  const lists = new Map<string, number>()
  // (canonical address string, node position) in the order SMD-9 indexes them.
  const componentAddresses = int32List()
  const interfaceAddresses = int32List()
  const utf8 = new TextEncoder()
  let done = false

  /** Appends `value` to the text and returns its string id. */
  const string = (value: string): number => {
    const need = textEnd + value.length * 3
    if (need > text.length) text = grown(text, nextCapacity(text.length, need))
    const start = textEnd
    let at = start
    for (let k = 0; k < value.length; k++) {
      const c = value.charCodeAt(k)
      if (c >= 0x80) {
        ascii = false
        at = start + utf8.encodeInto(value, text.subarray(start)).written
        break
      }
      text[at++] = c
    }
    textEnd = at
    strings.push(start)
    return strings.length - 1
  }
  /** The id of a string of a repeated field, stored once. */
  const sharedString = (value: string): number => {
    const known = shared.get(value)
    if (known !== undefined) return known
    const sid = string(value)
    if (shared.size < MAX_SHARED && value.length <= MAX_SHARED_LENGTH) shared.set(value, sid)
    return sid
  }
  /** The offset of a label list in the records, stored once per distinct list; -1 for unknown groups. */
  const labelList = (labels: readonly string[] | undefined): number => {
    if (labels === undefined) return -1
    const key = JSON.stringify(labels)
    let offset = lists.get(key)
    if (offset === undefined) {
      offset = records.length
      records.push(labels.length)
      for (const label of labels) records.push(sharedString(label))
      lists.set(key, offset)
    }
    return offset
  }
  const address = (into: Int32List, ip: string, ipSid: number, position: number): void => {
    if (ip === '') return
    const key = addressKey(ip)
    into.push(key === ip ? ipSid : string(key))
    into.push(position)
  }

  return {
    get size() {
      return starts.length
    },
    add(node) {
      if (done) throw new Error('node table already finished')
      if (positions.has(node.xname)) return false
      const position = starts.length
      if (position >= MAX_TABLE_NODES) throw new RangeError(`a node table holds at most ${MAX_TABLE_NODES} nodes`)
      positions.set(node.xname, position)
      xnames.push(node.xname)
      nids.push(node.nid)
      // The group list first: records of other nodes must not interleave with this one's.
      const groups = labelList(node.groups)
      starts.push(records.length)
      records.push(string(node.xname))
      records.push(sharedString(node.role))
      records.push(groups)
      const ip = node.componentIp ? string(node.componentIp) : -1
      records.push(ip)
      records.push(node.componentMac ? string(node.componentMac) : -1)
      if (ip >= 0) address(componentAddresses, node.componentIp!, ip, position)
      records.push(node.interfaces.length)
      const macs: Array<[string, number]> = []
      for (const iface of node.interfaces) {
        const mac = string(iface.mac)
        macs.push([iface.mac, mac])
        records.push(string(iface.id))
        records.push(sharedString(iface.description))
        records.push(mac)
        records.push(sharedString(iface.type))
        records.push(iface.ipAddresses.length)
        for (const a of iface.ipAddresses) {
          const sid = string(a.ip)
          records.push(sid)
          records.push(sharedString(a.network))
          address(interfaceAddresses, a.ip, sid, position)
        }
      }
      records.push(node.nics.length)
      // A NIC's MAC is nearly always one of the node's interface MACs: stored once.
      const macOf = (value: string): number => macs.find(([m]) => m === value)?.[1] ?? string(value)
      for (const nic of node.nics) {
        const mac = macOf(nic.mac)
        records.push(sharedString(nic.redfishId))
        records.push(sharedString(nic.description))
        records.push(mac)
        records.push(nic.permanentMac === nic.mac ? mac : macOf(nic.permanentMac))
        records.push(nic.enabled ? 1 : 0)
      }
      return true
    },
    finish() {
      if (done) throw new Error('node table already finished')
      done = true
      strings.push(textEnd)
      const textBytes = text.slice(0, textEnd)
      const stringStarts = Uint32Array.from(strings.view())
      const recordInts = records.copy()
      const nodeStarts = Uint32Array.from(starts.view())
      // xname index: positions + 1 by the hash of each xname's bytes.
      const byXname = new Int32Array(slotsFor(nodeStarts.length))
      const xnameMask = byXname.length - 1
      for (let p = 0; p < nodeStarts.length; p++) {
        const sid = recordInts[nodeStarts[p]!]!
        let k = hashBytes(textBytes, stringStarts[sid]!, stringStarts[sid + 1]!) & xnameMask
        while (byXname[k] !== 0) k = (k + 1) & xnameMask
        byXname[k] = p + 1
      }
      // Address index, first owner wins; pairs (key string + 1, position).
      const byAddress = new Int32Array(2 * slotsFor((componentAddresses.length + interfaceAddresses.length) / 2))
      const addressMask = byAddress.length / 2 - 1
      const logged: AddressConflict[] = []
      let count = 0
      let addresses = 0
      const sameText = (a: number, b: number): boolean => {
        const la = stringStarts[a + 1]! - stringStarts[a]!
        if (la !== stringStarts[b + 1]! - stringStarts[b]!) return false
        for (let k = 0; k < la; k++) if (textBytes[stringStarts[a]! + k] !== textBytes[stringStarts[b]! + k]) return false
        return true
      }
      const decode = (sid: number): string => new TextDecoder().decode(textBytes.subarray(stringStarts[sid], stringStarts[sid + 1]))
      for (const list of [componentAddresses, interfaceAddresses]) {
        const pairs = list.view()
        for (let i = 0; i < pairs.length; i += 2) {
          const sid = pairs[i]!
          const position = pairs[i + 1]!
          let k = hashBytes(textBytes, stringStarts[sid]!, stringStarts[sid + 1]!) & addressMask
          for (;; k = (k + 1) & addressMask) {
            const entry = byAddress[2 * k]!
            if (entry === 0) {
              byAddress[2 * k] = sid + 1
              byAddress[2 * k + 1] = position
              addresses++
              break
            }
            if (!sameText(entry - 1, sid)) continue
            const owner = byAddress[2 * k + 1]!
            if (owner !== position) {
              count++
              if (logged.length < maxLogged) logged.push({ ip: decode(sid), kept: xnames[owner]!, ignored: xnames[position]! })
            }
            break
          }
        }
      }
      const data: NodeTableData = {
        format: NODE_TABLE_FORMAT,
        text: textBytes,
        ascii,
        strings: stringStarts,
        nodes: nodeStarts,
        nids: nids.copy(),
        records: recordInts,
        byXname,
        byAddress,
        addresses,
      }
      return { data, conflicts: { logged, count } }
    },
  }
}

/** A table of `nodes` (in order; a repeated xname is skipped), e.g. for inventories that hold a node list. */
export function buildNodeTable(nodes: Iterable<InventoryNode>): NodeTable {
  const builder = createNodeTableBuilder()
  for (const node of nodes) builder.add(node)
  return openNodeTable(builder.finish().data)
}
