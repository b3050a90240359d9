// The messages between the inventory's process and its SMD sync child process (issue 19), and how a MetadataError
// crosses between them with its code, exact text and details (SMD-6, SPEC §16 cap text), so an operator reads the
// same log line and /health error whichever process ran the sync. Messages go over Node's IPC channel with
// `advanced` serialization (structured clone), so typed arrays cross as bytes.
import { isMetadataError, MetadataError, type LogFields, type MetadataErrorCode, type TableChunk, type TableHeader, type TokenMode } from '@metadata-service/core'

/** What the child needs to make its SMD client: the serialisable part of `SmdClientOptions`. */
export interface SyncChildConfig {
  readonly baseUrl: string
  readonly timeoutMs: number | undefined
  readonly maxResponseBytes: number | undefined
  readonly userAgentVersion: string
  /** The token source's mode (SMD-13: a static token is not refreshed after a 401). */
  readonly tokenMode: TokenMode
}

/** An error as it crosses processes. */
export interface WireError {
  readonly code: MetadataErrorCode | undefined
  readonly message: string
  readonly details: Readonly<Record<string, unknown>> | undefined
}

/** Child → inventory process. */
export type FromChild =
  /** The token for the next SMD request (TOK-6), or a new one after a 401 (SMD-13). */
  | { readonly type: 'token'; readonly id: number; readonly refresh: boolean; readonly rejected: string | undefined }
  | { readonly type: 'log'; readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly message: string; readonly fields: LogFields | undefined }
  /** The sync's snapshot: a header, then its parts in chunks (core's table-chunks.ts), then `done` with its digest. */
  | ({ readonly type: 'table' } & TableHeader)
  | ({ readonly type: 'chunk' } & TableChunk)
  | { readonly type: 'done'; readonly digest: string }
  /** The sync built a table whose digest is the `served` one of `start`: nothing else is sent. */
  | { readonly type: 'unchanged'; readonly digest: string }
  | { readonly type: 'failed'; readonly error: WireError }

/** Inventory process → child: the configuration (first message, so a URL's credentials never show in `ps`), and
 * the answers to token requests. */
export type ToChild =
  /** `served`: the digest of the table the inventory serves, when this source delivered it (see `tableDigest`). */
  | { readonly type: 'start'; readonly config: SyncChildConfig; readonly served: string | undefined }
  | { readonly type: 'token'; readonly id: number; readonly token: string | undefined }
  | { readonly type: 'token-failed'; readonly id: number; readonly error: WireError }

/** `err` as it crosses processes. */
export function toWire(err: unknown): WireError {
  if (isMetadataError(err)) return { code: err.code, message: err.message, details: err.details }
  return { code: undefined, message: err instanceof Error ? err.message : String(err), details: undefined }
}

/** The error `wire` stands for: a MetadataError with the same code, text and details, or a plain Error. */
export function fromWire(wire: WireError): Error {
  if (wire.code === undefined) return new Error(wire.message)
  return new MetadataError(wire.code, wire.message, wire.details === undefined ? {} : { details: wire.details })
}
