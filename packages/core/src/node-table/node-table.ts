import type { InventoryInterface, InventoryIpAddress, InventoryNic, InventoryNode } from '../ports/inventory.js'
import { keyMatches, keyOf, type Key } from './_hash.js'
import { newStampBase, stampNode } from './node-identity.js'

// A compact, immutable snapshot of inventory nodes (issue 19): every string once as UTF-8 in one byte array,
// every node as a short run of integers, and the xname and address indexes as open-addressing tables, all in typed
// arrays. At 100,000 nodes that is ~30 MB where a Map of frozen node objects was ~110 MB, it is built off the main
// thread and handed over without copying (transfer), a `--workers` process receives it as a few buffers instead of
// a graph of a million objects, and it holds no JS object per node, so the garbage collector never walks it.
// Node objects are made on demand (see NodeTable.at) and stamped (node-identity.ts).
//
// Record of node i, in `records` from `nodes[i]` (string ids index `strings`; -1 means absent):
//   xname, role, groups (offset of a label list [count, label…] in `records`, or -1 when unknown), componentIp,
//   componentMac, interface count, per interface [id, description, mac, type, address count, (ip, network)…],
//   NIC count, per NIC [redfishId, description, mac, permanentMac, enabled 0|1].

/** Version of {@link NodeTableData}'s layout; a table of another version is refused. */
export const NODE_TABLE_FORMAT = 1

/**
 * The parts of a {@link NodeTable}: plain typed arrays ({@link NODE_TABLE_PARTS}), so structured clone (node:cluster's
 * and child processes' `advanced` IPC) copies them as bytes.
 */
export interface NodeTableData {
  readonly format: typeof NODE_TABLE_FORMAT
  /** Every string's UTF-8, back to back. */
  readonly text: Uint8Array
  /** True when `text` is all ASCII (strings are then read as latin1, the fastest). */
  readonly ascii: boolean
  /** String `s` is `text[strings[s], strings[s + 1])`. */
  readonly strings: Uint32Array
  /** Start of each node's record in `records`, in inventory order. */
  readonly nodes: Uint32Array
  /** Each node's NID (numbers beyond 32 bits are allowed). */
  readonly nids: Float64Array
  readonly records: Int32Array
  /** xname index: slot → node position + 1, 0 for an empty slot; linear probing on the xname's hash. */
  readonly byXname: Int32Array
  /** Address index: slot pairs (canonical address string id + 1, node position); linear probing. */
  readonly byAddress: Int32Array
  /** Distinct addresses in `byAddress`. */
  readonly addresses: number
}

/** A snapshot of inventory nodes; see the file comment. Immutable; safe to share. */
export interface NodeTable {
  /** Nodes held. */
  readonly size: number
  /** Distinct addresses indexed (component and interface IPs, canonical form). */
  readonly addresses: number
  /** The node at `position` (0 ≤ position < size), in inventory order. */
  at(position: number): InventoryNode
  /** The node with this xname, or `undefined`. */
  node(xname: string): InventoryNode | undefined
  /** The node owning `key`, a canonical address (core's `addressKey`), or `undefined`. First owner wins (SMD-9). */
  owner(key: string): InventoryNode | undefined
  /** Every node, in inventory order. */
  nodes(): IterableIterator<InventoryNode>
  /** The table's parts, to hand to another thread or process ({@link openNodeTable} reads them back). */
  readonly data: NodeTableData
}

/**
 * Node objects kept per table, so the same position usually gives the same object (a boot asks for five
 * documents in a row) without holding one object per node. Few on purpose (issue 19): a storm or a full scan
 * (pre-render, roster) makes a node per request, and with 16,384 slots each lived thousands of requests, long
 * enough to be promoted to V8's old generation, whose garbage then grew the heap (peak RSS) until a full GC.
 * With 512 a displaced node dies young, in a cheap scavenge.
 */
const MEMO_SLOTS = 512

/** Strings of the repeated fields (role, labels, descriptions, types, networks, NIC ids) decoded once per table. */
const MAX_SHARED_STRINGS = 4_096

const EMPTY: readonly never[] = Object.freeze([])

/** Reads a {@link NodeTableData} (built by `createNodeTableBuilder`, possibly in another thread or process). */
export function openNodeTable(data: NodeTableData): NodeTable {
  if (data.format !== NODE_TABLE_FORMAT) throw new Error(`node table format ${String(data.format)} is not ${NODE_TABLE_FORMAT}`)
  return new PackedNodeTable(data)
}

/**
 * The typed-array parts of a {@link NodeTableData} in one fixed order, each with the type it is read back as: the one
 * list for code that compares a table's bytes or moves them in pieces (the SMD sync child's chunks, issue 19).
 */
export const NODE_TABLE_PARTS = [
  ['text', Uint8Array],
  ['strings', Uint32Array],
  ['nodes', Uint32Array],
  ['nids', Float64Array],
  ['records', Int32Array],
  ['byXname', Int32Array],
  ['byAddress', Int32Array],
] as const

/** The name of one of {@link NODE_TABLE_PARTS}. */
export type NodeTablePart = (typeof NODE_TABLE_PARTS)[number][0]

/**
 * True when two tables hold the same nodes in the same order (their parts are equal byte for byte): a sync that
 * built the table it already serves keeps serving it, so its generation and the documents cached for it stay
 * (SMD-9, OPS-7). A byte compare of the ~30 MB of a 100,000-node table, a few milliseconds.
 */
export function sameNodeTableData(a: NodeTableData, b: NodeTableData): boolean {
  if (a === b) return true
  if (a.format !== b.format || a.ascii !== b.ascii || a.addresses !== b.addresses) return false
  return NODE_TABLE_PARTS.every(([name]) => bytesOf(a[name]).equals(bytesOf(b[name])))
}

function bytesOf(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength)
}

class PackedNodeTable implements NodeTable {
  readonly size: number
  readonly addresses: number
  private readonly text: Buffer
  private readonly encoding: 'latin1' | 'utf8'
  private readonly strings: Uint32Array
  private readonly records: Int32Array
  private readonly stampBase = newStampBase()
  private readonly memoAt: Int32Array
  private readonly memo: (InventoryNode | undefined)[]
  private readonly shared = new Map<number, string>()
  private readonly lists = new Map<number, readonly string[]>()

  constructor(readonly data: NodeTableData) {
    this.size = data.nodes.length
    this.addresses = data.addresses
    this.text = Buffer.from(data.text.buffer, data.text.byteOffset, data.text.byteLength)
    this.encoding = data.ascii ? 'latin1' : 'utf8'
    this.strings = data.strings
    this.records = data.records
    let slots = 1
    while (slots < this.size && slots < MEMO_SLOTS) slots *= 2
    this.memoAt = new Int32Array(slots).fill(-1)
    this.memo = new Array<InventoryNode | undefined>(slots)
  }

  at(position: number): InventoryNode {
    if (!(position >= 0 && position < this.size)) throw new RangeError(`no node at ${position} (table of ${this.size})`)
    const slot = position & (this.memoAt.length - 1)
    if (this.memoAt[slot] === position) return this.memo[slot]!
    const node = this.make(position)
    this.memoAt[slot] = position
    this.memo[slot] = node
    return node
  }

  node(xname: string): InventoryNode | undefined {
    const { byXname, nodes } = this.data
    const mask = byXname.length - 1
    const key = keyOf(xname)
    for (let k = key.hash & mask; ; k = (k + 1) & mask) {
      const entry = byXname[k]!
      if (entry === 0) return undefined
      if (this.holds(this.records[nodes[entry - 1]!]!, key)) return this.at(entry - 1)
    }
  }

  owner(key: string): InventoryNode | undefined {
    const { byAddress } = this.data
    const mask = byAddress.length / 2 - 1
    const wanted = keyOf(key)
    for (let k = wanted.hash & mask; ; k = (k + 1) & mask) {
      const entry = byAddress[2 * k]!
      if (entry === 0) return undefined
      if (this.holds(entry - 1, wanted)) return this.at(byAddress[2 * k + 1]!)
    }
  }

  *nodes(): IterableIterator<InventoryNode> {
    for (let k = 0; k < this.size; k++) yield this.at(k)
  }

  /** True when string `sid` is `key`. */
  private holds(sid: number, key: Key): boolean {
    return keyMatches(key, this.data.text, this.strings[sid]!, this.strings[sid + 1]!)
  }

  private string(sid: number): string {
    return this.text.toString(this.encoding, this.strings[sid], this.strings[sid + 1])
  }

  /** A string of a repeated field: decoded once per table (bounded), so its nodes share it. */
  private sharedString(sid: number): string {
    let text = this.shared.get(sid)
    if (text === undefined) {
      text = this.string(sid)
      if (this.shared.size < MAX_SHARED_STRINGS) this.shared.set(sid, text)
    }
    return text
  }

  private labels(offset: number): readonly string[] | undefined {
    if (offset < 0) return undefined
    let list = this.lists.get(offset)
    if (list === undefined) {
      const r = this.records
      const count = r[offset]!
      list = count === 0 ? EMPTY : Object.freeze(Array.from({ length: count }, (_, k) => this.sharedString(r[offset + 1 + k]!)))
      this.lists.set(offset, list)
    }
    return list
  }

  /** Builds node `position` as the port describes it (frozen, stamped). */
  private make(position: number): InventoryNode {
    const r = this.records
    let at = this.data.nodes[position]!
    const xname = this.string(r[at]!)
    const role = this.sharedString(r[at + 1]!)
    const groups = this.labels(r[at + 2]!)
    const componentIp = r[at + 3]!
    const componentMac = r[at + 4]!
    const interfaceCount = r[at + 5]!
    at += 6
    let interfaces: readonly InventoryInterface[] = EMPTY
    if (interfaceCount > 0) {
      const list: InventoryInterface[] = []
      for (let k = 0; k < interfaceCount; k++) {
        const id = this.string(r[at]!)
        const description = this.sharedString(r[at + 1]!)
        const mac = this.string(r[at + 2]!)
        const type = this.sharedString(r[at + 3]!)
        const addressCount = r[at + 4]!
        at += 5
        let ipAddresses: readonly InventoryIpAddress[] = EMPTY
        if (addressCount > 0) {
          const addresses: InventoryIpAddress[] = []
          for (let a = 0; a < addressCount; a++, at += 2) {
            addresses.push(Object.freeze({ ip: this.string(r[at]!), network: this.sharedString(r[at + 1]!) }))
          }
          ipAddresses = Object.freeze(addresses)
        }
        list.push(Object.freeze({ id, description, mac, type, ipAddresses }))
      }
      interfaces = Object.freeze(list)
    }
    const nicCount = r[at++]!
    let nics: readonly InventoryNic[] = EMPTY
    if (nicCount > 0) {
      const list: InventoryNic[] = []
      for (let k = 0; k < nicCount; k++, at += 5) {
        const mac = this.string(r[at + 2]!)
        list.push(
          Object.freeze({
            redfishId: this.sharedString(r[at]!),
            description: this.sharedString(r[at + 1]!),
            mac,
            permanentMac: r[at + 3] === r[at + 2] ? mac : this.string(r[at + 3]!),
            enabled: r[at + 4] === 1,
          }),
        )
      }
      nics = Object.freeze(list)
    }
    const node: InventoryNode = { xname, nid: this.data.nids[position]!, role, groups, interfaces, nics }
    if (componentIp >= 0) (node as { componentIp?: string }).componentIp = this.string(componentIp)
    if (componentMac >= 0) (node as { componentMac?: string }).componentMac = this.string(componentMac)
    stampNode(node, this.stampBase + position)
    return Object.freeze(node)
  }
}
