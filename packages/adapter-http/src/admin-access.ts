import type { KindName } from '@metadata-service/core'

/** What an admin-access decision (SEC-6) may look at. */
export interface AdminAccessRequest {
  /** The socket peer address, as Node reports it. SEC-6 decides on this, never on forwarding headers. */
  readonly peer: string
  /** The HTTP method, upper case. */
  readonly method: string
  /**
   * The kind of the addressed collection; `BootStatus` for the boot record (`/boot-status`, read only), `SeedToken`
   * for the seed token admin API (SEED, always a write).
   */
  readonly kind: KindName | 'BootStatus' | 'SeedToken'
  /** True for POST, PUT, PATCH and DELETE. */
  readonly write: boolean
  /** The `Authorization` header; absent when not sent. */
  readonly authorization?: string
}

/**
 * The SEC-6 hook run before every resource route (after routing, before the body is read). Resolving allows the
 * request; rejecting with `MetadataError('UNAUTHENTICATED')` (401, sent with `WWW-Authenticate`) or
 * `MetadataError('FORBIDDEN')` (403) refuses it with that message. Without a hook every request is allowed.
 */
export type AdminAuthorizer = (request: AdminAccessRequest) => void | Promise<void>
