import { describe, expect, it } from 'vitest'
import { buildNodeTable } from '../../src/node-table/node-table-builder.js'
import { NODE_TABLE_PARTS, openNodeTable, sameNodeTableData, type NodeTableData } from '../../src/node-table/node-table.js'
import { createTableReceiver, TABLE_CHUNK_BYTES, tableChunks, tableHeader, type TableChunk } from '../../src/node-table/table-chunks.js'
import { sampleInventoryNodes } from '../../src/testing/index.js'

// A node table in pieces across an IPC channel (issue 19): the SMD sync child and the `--workers` primary send a
// header and chunks of at most 1 MiB; the receiver gives back the very table, or says why it cannot.

const nodes = sampleInventoryNodes(12_000)
const big = buildNodeTable(nodes).data
const small = buildNodeTable(sampleInventoryNodes(3)).data

/** Every message as structured clone (Node's `advanced` IPC) copies it, into a new receiver. */
function received(data: NodeTableData, chunks: readonly TableChunk[] = tableChunks(data)) {
  const receiver = createTableReceiver()
  receiver.header(structuredClone(tableHeader(data)))
  for (const chunk of chunks) receiver.chunk(structuredClone(chunk))
  return receiver.finish()
}

describe('node table chunks (issue 19)', () => {
  it('gives back a table of several chunks byte for byte after a structured clone of each message', () => {
    const chunks = tableChunks(big)
    expect(chunks.length).toBeGreaterThan(2)
    const data = received(big)
    expect(typeof data).not.toBe('string')
    expect(sameNodeTableData(data as NodeTableData, big)).toBe(true)
    expect(openNodeTable(data as NodeTableData).node(nodes[11_999]!.xname)).toEqual(nodes[11_999])
  })

  it('sends views of at most 1 MiB on the table’s own buffers, each part in order, and copies nothing', () => {
    const chunks = tableChunks(big)
    for (const chunk of chunks) expect(chunk.bytes.byteLength).toBeLessThanOrEqual(TABLE_CHUNK_BYTES)
    expect(chunks.map((c) => c.part)).toEqual([...chunks.map((c) => c.part)].sort((a, b) => a - b))
    NODE_TABLE_PARTS.forEach(([name], part) => {
      const mine = chunks.filter((c) => c.part === part)
      expect(mine.every((c) => c.bytes.buffer === big[name].buffer)).toBe(true)
      expect(mine.reduce((sum, c) => sum + c.bytes.byteLength, 0)).toBe(big[name].byteLength)
    })
    // A smaller size makes more chunks of the same bytes.
    const many = tableChunks(small, 16)
    expect(many.every((c) => c.bytes.byteLength <= 16)).toBe(true)
    expect(sameNodeTableData(received(small, many) as NodeTableData, small)).toBe(true)
  })

  it('gives back an empty table, whose parts have no chunks or short ones', () => {
    const empty = buildNodeTable([]).data
    expect(sameNodeTableData(received(empty) as NodeTableData, empty)).toBe(true)
  })

  it('says why there is no table: no header, bytes missing, too many, or for a part that does not exist', () => {
    const chunks = tableChunks(big)
    expect(createTableReceiver().finish()).toBe('no table')
    expect(received(big, chunks.slice(0, -1))).toBe('an incomplete table')
    expect(received(big, [...chunks, chunks[0]!])).toBe('an incomplete table')
    expect(received(small, [...tableChunks(small), { part: NODE_TABLE_PARTS.length, bytes: new Uint8Array(1) }])).toBe('an incomplete table')
    const odd = createTableReceiver()
    odd.header({ ...tableHeader(small), byteLengths: tableHeader(small).byteLengths.map((n, k) => (k === 1 ? n + 1 : n)) })
    expect(odd.finish()).toBe('a malformed table')
  })

  it('starts over at a new header: what an earlier one started is dropped', () => {
    const receiver = createTableReceiver()
    receiver.header(tableHeader(big))
    for (const chunk of tableChunks(big).slice(0, 2)) receiver.chunk(chunk)
    receiver.header(tableHeader(small))
    for (const chunk of tableChunks(small)) receiver.chunk(chunk)
    expect(sameNodeTableData(receiver.finish() as NodeTableData, small)).toBe(true)
  })
})
