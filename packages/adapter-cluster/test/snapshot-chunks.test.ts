import { buildNodeTable, sameNodeTableData, TABLE_CHUNK_BYTES, tableChunks, tableHeader, type InventoryNode, type NodeTableData } from '@metadata-service/core'
import { createFakeInventory, MOCK_NODE_FIXTURES, sampleInventoryNodes } from '@metadata-service/core/testing'
import { describe, expect, it, vi } from 'vitest'
import { INIT_CALL, PRIMARY_STATUS_EVENT, SNAPSHOT_CHUNK_EVENT, SNAPSHOT_END_EVENT, SNAPSHOT_HEADER_EVENT, type PrimaryStatus } from '../src/_snapshot-messages.js'
import { openReplicaInventory, serveReplicaInventory } from '../src/replica-inventory.js'
import { connectRpc, type RpcPeer } from '../src/rpc.js'
import { ipcPair } from './_ipc-pair.js'
import { playedInventory, rig, watchedEnd } from './_replica-rig.js'

// Issue 19: a --workers primary sends each SMD snapshot as a header, chunks of at most 1 MiB of table bytes and an
// end, one message at a time; a worker swaps a snapshot in only once it is whole, never an older one over a newer.

const settle = () => new Promise((resolve) => setTimeout(resolve, 30))
// Tables of several chunks each (about 190 bytes of table per node).
const bigA = sampleInventoryNodes(12_000)
const bigB = sampleInventoryNodes(11_000)
const small = MOCK_NODE_FIXTURES.slice(0, 2)
const xnames = (nodes: Iterable<InventoryNode>) => [...nodes].map((n) => n.xname)
const same = (table: { data: NodeTableData } | undefined, nodes: readonly InventoryNode[]) => sameNodeTableData(table!.data, buildNodeTable(nodes).data)

describe('snapshots to --workers in chunks (issue 19)', () => {
  it('sends a table of several chunks whole, at start and after a sync, with at most 1 MiB of table bytes per message', async () => {
    expect(tableChunks(buildNodeTable(bigA).data).length).toBeGreaterThan(2)
    const { replica, sync, stop, channel } = await rig(bigA)
    expect(same(replica.snapshotTable?.(), bigA)).toBe(true)
    const before = replica.generation()
    sync(bigB, true)
    await vi.waitFor(() => expect(replica.generation()).toBe(before + 1))
    expect(same(replica.snapshotTable?.(), bigB)).toBe(true)
    expect((await replica.node(bigB[10_999]!.xname))?.nid).toBe(11_000)
    const bytes = channel.sent.map((m) => m.tableBytes)
    expect(bytes.reduce((a, b) => a + b, 0)).toBeGreaterThan(4 * TABLE_CHUNK_BYTES)
    expect(Math.max(...bytes)).toBeLessThanOrEqual(TABLE_CHUNK_BYTES)
    stop()
  })

  it('abandons a snapshot on its way when a newer one comes; the worker never serves the half-received one', async () => {
    const { replica, sync, stop, channel } = await rig(small)
    const before = replica.generation()
    const heldOne = (what: string) => vi.waitFor(() => expect(channel.snapshotMessages().at(-1)).toBe(what))
    // The worker reads slowly: each message of snapshot 1 goes only when we let it.
    channel.hold()
    sync(bigA, true)
    await heldOne('inventory.snapshot 1')
    channel.release()
    await heldOne('inventory.chunk 1')
    channel.release()
    await heldOne('inventory.chunk 1')
    await settle()
    expect([replica.generation(), xnames(replica.nodes())]).toEqual([before, xnames(small)])
    // Snapshot 2 starts while a chunk of snapshot 1 is still being written.
    sync(bigB, true)
    await heldOne('inventory.snapshot 2')
    channel.open()
    await vi.waitFor(() => expect(channel.snapshotMessages().at(-1)).toBe('inventory.end 2'))
    await settle()
    expect(replica.generation()).toBe(before + 1)
    expect(same(replica.snapshotTable?.(), bigB)).toBe(true)
    // Nothing more of snapshot 1 after snapshot 2's header.
    const sent = channel.snapshotMessages()
    expect(sent.slice(sent.indexOf('inventory.snapshot 2')).filter((m) => m.endsWith(' 1'))).toEqual([])
    stop()
  })

  it('gives a worker that starts while a snapshot is on its way the current one, at start', async () => {
    const { primary, sync } = playedInventory(small)
    const [primaryEnd, workerEnd] = ipcPair()
    const channel = watchedEnd(primaryEnd)
    const served = serveReplicaInventory(primary, undefined, 5)
    served.listen(connectRpc(primaryEnd, served.handlers))
    sync(bigA, true)
    // The broadcast's first messages go while the worker's end is not listening yet.
    await vi.waitFor(() => expect(channel.snapshotMessages()).toContain('inventory.chunk 1'))
    const replica = await openReplicaInventory(connectRpc(workerEnd, {}))
    expect(same(replica.snapshotTable?.(), bigA)).toBe(true)
    expect(replica.generation()).toBe(1)
    served.stop()
  })
})

describe('a worker receiving snapshots (issue 19)', () => {
  /** A worker replica whose primary is played by hand: `inventory.init` sends snapshot 0 of `small`. */
  async function handPlayed() {
    const [primaryEnd, workerEnd] = ipcPair()
    const primary = connectRpc(primaryEnd, {})
    const status: PrimaryStatus = { inventory: createFakeInventory().health(), stats: createFakeInventory().stats() }
    const parts = (seq: number, nodes: readonly InventoryNode[]) => {
      const data = buildNodeTable(nodes).data
      return {
        header: () => primary.emit(SNAPSHOT_HEADER_EVENT, { seq, status, table: tableHeader(data) }),
        chunks: (from = 0, to = Infinity) => tableChunks(data).slice(from, to).forEach((c) => primary.emit(SNAPSHOT_CHUNK_EVENT, { seq, ...c })),
        end: () => primary.emit(SNAPSHOT_END_EVENT, { seq }),
      }
    }
    const whole = (seq: number, nodes: readonly InventoryNode[]) => {
      const p = parts(seq, nodes)
      p.header()
      p.chunks()
      p.end()
    }
    primary.onCall(INIT_CALL, () => {
      whole(0, small)
      return { seq: 0 }
    })
    const replica = await openReplicaInventory(connectRpc(workerEnd, {}))
    return { replica, parts, whole, primary, status }
  }

  it('never takes an older snapshot over a newer one', async () => {
    const { replica, whole } = await handPlayed()
    whole(2, bigB)
    await settle()
    whole(1, bigA)
    await settle()
    expect(replica.generation()).toBe(2)
    expect(same(replica.snapshotTable?.(), bigB)).toBe(true)
  })

  it('takes only the newer of an interrupted snapshot (header and some chunks) and the one after it', async () => {
    const { replica, parts } = await handPlayed()
    const older = parts(3, bigA)
    const newer = parts(4, bigB)
    older.header()
    older.chunks(0, 2)
    newer.header()
    newer.chunks()
    // The rest of the older one, as a primary that kept going would send it: ignored.
    older.chunks(2)
    older.end()
    await settle()
    expect(replica.generation()).toBe(1)
    expect(xnames(replica.nodes())).toEqual(xnames(small))
    newer.end()
    await settle()
    expect(replica.generation()).toBe(2)
    expect(same(replica.snapshotTable?.(), bigB)).toBe(true)
  })

  it('serves its current snapshot until the whole of the next one has arrived', async () => {
    const { replica, parts } = await handPlayed()
    const next = parts(1, bigA)
    next.header()
    next.chunks(0, -1)
    await settle()
    expect([replica.generation(), xnames(replica.nodes())]).toEqual([1, xnames(small)])
    expect(await replica.resolve(bigA[0]!.interfaces[0]!.ipAddresses[0]!.ip).catch(() => 'asked the primary')).toBe('asked the primary')
    // A snapshot whose bytes do not add up is never served either.
    next.end()
    await settle()
    expect([replica.generation(), xnames(replica.nodes())]).toEqual([1, xnames(small)])
  })

  it('keeps a status that came while a snapshot was on its way over the older one that snapshot was taken with', async () => {
    const { replica, parts, primary, status } = await handPlayed()
    const next = parts(1, bigA)
    next.header()
    primary.emit(PRIMARY_STATUS_EVENT, { ...status, inventory: { ...status.inventory, lastSuccessAt: 123_456 } })
    next.chunks()
    next.end()
    await settle()
    expect(replica.generation()).toBe(2)
    expect(replica.health().lastSuccessAt).toBe(123_456)
  })

  it('fails to start when the first snapshot does not arrive whole', async () => {
    const [primaryEnd, workerEnd] = ipcPair()
    const primary: RpcPeer = connectRpc(primaryEnd, {})
    const data = buildNodeTable(bigA).data
    const status: PrimaryStatus = { inventory: createFakeInventory().health(), stats: createFakeInventory().stats() }
    primary.onCall(INIT_CALL, () => {
      primary.emit(SNAPSHOT_HEADER_EVENT, { seq: 0, status, table: tableHeader(data) })
      primary.emit(SNAPSHOT_CHUNK_EVENT, { seq: 0, ...tableChunks(data)[0]! })
      primary.emit(SNAPSHOT_END_EVENT, { seq: 0 })
      return { seq: 0 }
    })
    await expect(openReplicaInventory(connectRpc(workerEnd, {}))).rejects.toThrow('no snapshot from the primary: the primary sent an incomplete table')
  })
})
