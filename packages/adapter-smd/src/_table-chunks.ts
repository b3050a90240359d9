// A node table in chunks across the sync child's IPC channel (issue 19). One message of the whole ~30 MB table
// (100,000 nodes) would be read, concatenated and deserialised by the inventory's process in one go on its main
// thread; in chunks of at most 1 MiB each message costs it well under a millisecond, and requests run between them.
import { NODE_TABLE_PARTS, type NodeTableData, type NodeTablePart } from '@metadata-service/core'

/** Bytes per chunk message: 1 MiB. */
export const TABLE_CHUNK_BYTES = 1 << 20

/** The table's scalars and the byte length of each part (in core's `NODE_TABLE_PARTS` order). */
export interface TableHeader {
  readonly format: NodeTableData['format']
  readonly ascii: boolean
  readonly addresses: number
  readonly byteLengths: readonly number[]
}

/** Bytes of part `part`, which follow the bytes sent before them. */
export interface TableChunk {
  readonly part: number
  readonly bytes: Uint8Array
}

/**
 * Sends `data` as a header then chunks of ≤ {@link TABLE_CHUNK_BYTES}. A chunk is a view on the table's own
 * buffer: Node's `advanced` IPC serialization writes only a view's bytes, not its whole buffer.
 */
export function sendTable(data: NodeTableData, send: (message: { type: 'table' } & TableHeader) => void, sendChunk: (chunk: TableChunk) => void): void {
  const views = NODE_TABLE_PARTS.map(([name]) => data[name])
  send({ type: 'table', format: data.format, ascii: data.ascii, addresses: data.addresses, byteLengths: views.map((v) => v.byteLength) })
  views.forEach((view, part) => {
    for (let at = 0; at < view.byteLength; at += TABLE_CHUNK_BYTES) {
      sendChunk({ part, bytes: new Uint8Array(view.buffer, view.byteOffset + at, Math.min(TABLE_CHUNK_BYTES, view.byteLength - at)) })
    }
  })
}

/** Reassembles what {@link sendTable} sent. */
export interface TableReceiver {
  header(header: TableHeader): void
  chunk(chunk: TableChunk): void
  /** The table, or a reason why there is none (no header, missing or excess bytes). */
  finish(): NodeTableData | string
}

/** A {@link TableReceiver}: each part's buffer is allocated once from the header and filled in place. */
export function createTableReceiver(): TableReceiver {
  let head: TableHeader | undefined
  let buffers: ArrayBuffer[] = []
  let parts: Uint8Array[] = []
  let filled: number[] = []
  return {
    header(header) {
      head = header
      buffers = NODE_TABLE_PARTS.map((_, k) => new ArrayBuffer(header.byteLengths[k] ?? 0))
      parts = buffers.map((buffer) => new Uint8Array(buffer))
      filled = parts.map(() => 0)
    },
    chunk({ part, bytes }) {
      const into = parts[part]
      const at = filled[part] ?? 0
      if (into === undefined || at + bytes.byteLength > into.byteLength) {
        filled[part] = Infinity
        return
      }
      into.set(bytes, at)
      filled[part] = at + bytes.byteLength
    },
    finish() {
      if (head === undefined) return 'the sync process sent no table'
      if (parts.some((p, k) => filled[k] !== p.byteLength)) return 'the sync process sent an incomplete table'
      const typed = Object.fromEntries(NODE_TABLE_PARTS.map(([name, Part], k) => [name, new Part(buffers[k]!)])) as Pick<NodeTableData, NodeTablePart>
      return { format: head.format, ascii: head.ascii, addresses: head.addresses, ...typed }
    },
  }
}
