// The messages between the inventory's thread and the sync worker thread (issue 19), and how a MetadataError
// crosses between them with its code, exact text and details (SMD-6, SPEC §16 cap text), so an operator reads the
// same log line and /health error whichever thread ran the sync.
import { isMetadataError, MetadataError, type LogFields, type MetadataErrorCode, type NodeTableData, type TokenMode } from '@metadata-service/core'

/** What the worker needs to make its SMD client: the serialisable part of `SmdClientOptions`. */
export interface SyncWorkerConfig {
  readonly baseUrl: string
  readonly timeoutMs: number | undefined
  readonly maxResponseBytes: number | undefined
  readonly userAgentVersion: string
  /** The token source's mode (SMD-13: a static token is not refreshed after a 401). */
  readonly tokenMode: TokenMode
}

/** An error as it crosses threads. */
export interface WireError {
  readonly code: MetadataErrorCode | undefined
  readonly message: string
  readonly details: Readonly<Record<string, unknown>> | undefined
}

/** Worker → inventory thread. */
export type FromWorker =
  /** The token for the next SMD request (TOK-6), or a new one after a 401 (SMD-13). */
  | { readonly type: 'token'; readonly id: number; readonly refresh: boolean; readonly rejected: string | undefined }
  | { readonly type: 'log'; readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly message: string; readonly fields: LogFields | undefined }
  /** The sync's snapshot; its buffers are transferred, not copied. */
  | { readonly type: 'done'; readonly data: NodeTableData }
  | { readonly type: 'failed'; readonly error: WireError }

/** Inventory thread → worker: the answer to a token request. */
export type ToWorker =
  | { readonly type: 'token'; readonly id: number; readonly token: string | undefined }
  | { readonly type: 'token-failed'; readonly id: number; readonly error: WireError }

/** `err` as it crosses threads. */
export function toWire(err: unknown): WireError {
  if (isMetadataError(err)) return { code: err.code, message: err.message, details: err.details }
  return { code: undefined, message: err instanceof Error ? err.message : String(err), details: undefined }
}

/** The error `wire` stands for: a MetadataError with the same code, text and details, or a plain Error. */
export function fromWire(wire: WireError): Error {
  if (wire.code === undefined) return new Error(wire.message)
  return new MetadataError(wire.code, wire.message, wire.details === undefined ? {} : { details: wire.details })
}
