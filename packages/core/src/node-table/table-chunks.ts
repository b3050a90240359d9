// A node table in pieces across an IPC channel (issue 19): the SMD sync child sends its finished table to the
// inventory's process this way, and a `--workers` primary sends each snapshot to its workers. One message of the
// whole ~30 MB table (100,000 nodes) would be serialised by the sender and read, concatenated and deserialised by
// the receiver in one go on its main thread; in chunks of at most 1 MiB each message costs well under a
// millisecond, and requests run between them. Pure logic on typed arrays: how the pieces travel is the caller's.
import { NODE_TABLE_PARTS, type NodeTableData, type NodeTablePart } from './node-table.js'

/** Bytes per chunk: 1 MiB. */
export const TABLE_CHUNK_BYTES = 1 << 20

/** A table's scalars and the byte length of each part (in {@link NODE_TABLE_PARTS} order): what comes first. */
export interface TableHeader {
  readonly format: NodeTableData['format']
  readonly ascii: boolean
  readonly addresses: number
  readonly byteLengths: readonly number[]
}

/** Bytes of part number `part` (in {@link NODE_TABLE_PARTS} order), which follow the bytes sent before them. */
export interface TableChunk {
  readonly part: number
  readonly bytes: Uint8Array
}

/** The header that goes before `data`'s chunks. */
export function tableHeader(data: NodeTableData): TableHeader {
  return { format: data.format, ascii: data.ascii, addresses: data.addresses, byteLengths: NODE_TABLE_PARTS.map(([name]) => data[name].byteLength) }
}

/**
 * `data`'s parts as chunks of at most `chunkBytes` (default {@link TABLE_CHUNK_BYTES}), in order. Each chunk is a
 * view on the table's own buffer, nothing is copied: Node's `advanced` IPC serialization writes only a view's
 * bytes, not its whole buffer, so the list can be made once and sent to any number of receivers.
 */
export function tableChunks(data: NodeTableData, chunkBytes = TABLE_CHUNK_BYTES): TableChunk[] {
  const chunks: TableChunk[] = []
  NODE_TABLE_PARTS.forEach(([name], part) => {
    const view = data[name]
    for (let at = 0; at < view.byteLength; at += chunkBytes) {
      chunks.push({ part, bytes: new Uint8Array(view.buffer, view.byteOffset + at, Math.min(chunkBytes, view.byteLength - at)) })
    }
  })
  return chunks
}

/** Reassembles a table from a {@link tableHeader} and its {@link tableChunks}. */
export interface TableReceiver {
  /** Starts a table; whatever an earlier header started is dropped. */
  header(header: TableHeader): void
  /** Adds the next bytes of a part. */
  chunk(chunk: TableChunk): void
  /**
   * The table, or why there is none, worded to follow "<sender> sent": `no table` (no header came), `a malformed
   * table` (a part's length does not fit its element type), `an incomplete table` (bytes missing, too many, or for
   * a part that does not exist).
   */
  finish(): NodeTableData | string
}

/**
 * A {@link TableReceiver}: each part's buffer is allocated once from the header and filled in place. Allocated
 * without zeroing (a zeroed 30 MB allocation took 1-15 ms of one turn, Node 24): a table is given out only when
 * every byte of every part has been written by a chunk, so nothing of the old memory can show.
 */
export function createTableReceiver(): TableReceiver {
  let head: TableHeader | undefined
  let buffers: ArrayBuffer[] = []
  let parts: Uint8Array[] = []
  let filled: number[] = []
  let overflowed = false
  return {
    header(header) {
      head = header
      buffers = NODE_TABLE_PARTS.map((_, k) => Buffer.allocUnsafeSlow(header.byteLengths[k] ?? 0).buffer)
      parts = buffers.map((buffer) => new Uint8Array(buffer))
      filled = parts.map(() => 0)
      overflowed = false
    },
    chunk({ part, bytes }) {
      const into = parts[part]
      const at = filled[part] ?? 0
      if (into === undefined || at + bytes.byteLength > into.byteLength) {
        overflowed = true
        return
      }
      into.set(bytes, at)
      filled[part] = at + bytes.byteLength
    },
    finish() {
      if (head === undefined) return 'no table'
      if (NODE_TABLE_PARTS.some(([, Part], k) => buffers[k]!.byteLength % Part.BYTES_PER_ELEMENT !== 0)) return 'a malformed table'
      if (overflowed || parts.some((p, k) => filled[k] !== p.byteLength)) return 'an incomplete table'
      const typed = Object.fromEntries(NODE_TABLE_PARTS.map(([name, Part], k) => [name, new Part(buffers[k]!)])) as Pick<NodeTableData, NodeTablePart>
      return { format: head.format, ascii: head.ascii, addresses: head.addresses, ...typed }
    },
  }
}
