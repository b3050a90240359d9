/**
 * The closed set of failure codes the core reports. Adapters map each code to a transport status in one table
 * (adapter-http `error-status.ts`); adding a code does not compile until that table has an entry. The list serves
 * exhaustive tables and tests; the type {@link MetadataErrorCode} is derived from it, so the two cannot drift.
 */
export const METADATA_ERROR_CODES = [
  /** No node owns the client address (ID-4). */
  'NODE_NOT_FOUND',
  /** The node is not in the requested group (NC-16 step 3). */
  'NOT_A_MEMBER',
  /** A resource (or other addressed thing) does not exist. */
  'NOT_FOUND',
  /** A unique name is already taken (RES-3). */
  'CONFLICT',
  /** `If-Match` did not match the current resourceVersion (RES-5). */
  'PRECONDITION_FAILED',
  /** Input failed a schema or kind rule (RES-9, TPL-4, WG-11). */
  'VALIDATION_FAILED',
  /** A request body could not be parsed at all (RES-8 "invalid request body"). */
  'INVALID_BODY',
  /** A request path could not be decoded (bad percent-encoding; issue 16). */
  'INVALID_PATH',
  /** A PATCH could not be applied (RES-6, 422). */
  'PATCH_FAILED',
  /** An unsupported apiVersion was requested (RES-8, 406). `details.requested` holds the version. */
  'UNSUPPORTED_VERSION',
  /** Request body media type not accepted (RES-8, 415). */
  'UNSUPPORTED_MEDIA_TYPE',
  /** Request body above the size cap (RES-8, 413). */
  'PAYLOAD_TOO_LARGE',
  /** Memberships could not be read (NC-16 step 2). */
  'MEMBERSHIP_UNAVAILABLE',
  /** Component data could not be read (NC-16 step 5). */
  'COMPONENT_UNAVAILABLE',
  /** A group template failed to render at serve time (NC-16 step 8). */
  'RENDER_FAILED',
  /** The inventory (SMD) cannot answer right now; the caller may retry (ID-4). */
  'INVENTORY_UNAVAILABLE',
  /** No bearer token for SMD can be had (TOK-9). */
  'TOKEN_UNAVAILABLE',
  /** WireGuard is not running (WG-1). */
  'TUNNEL_UNAVAILABLE',
  /** A WireGuard address pool is exhausted (WG-7). */
  'POOL_EXHAUSTED',
  /** The resource store failed to read or write (disk, database). */
  'STORAGE_FAILED',
  /** Too many requests in flight (OPS-3). */
  'OVERLOADED',
  /** The request deadline passed (OPS-2). */
  'TIMEOUT',
  /** No credentials, or invalid credentials (SEC-6, 401). */
  'UNAUTHENTICATED',
  /** Credentials or peer address not allowed (SEC-6, WG-12; 403). */
  'FORBIDDEN',
  /** A bug or an unexpected failure. */
  'INTERNAL',
] as const

/** One of {@link METADATA_ERROR_CODES}. */
export type MetadataErrorCode = (typeof METADATA_ERROR_CODES)[number]

/** Options of {@link MetadataError}. */
export interface MetadataErrorOptions {
  /** The underlying failure; logged, never sent to clients. */
  cause?: unknown
  /** Structured extras a transport may expose (for example `requested` for UNSUPPORTED_VERSION). */
  details?: Readonly<Record<string, unknown>>
}

/**
 * The one error class of the service. `message` is safe to show a client (it is the exact SPEC text);
 * anything private belongs in `cause`.
 */
export class MetadataError extends Error {
  override readonly name = 'MetadataError'
  readonly code: MetadataErrorCode
  readonly details: Readonly<Record<string, unknown>> | undefined

  constructor(code: MetadataErrorCode, message: string, options: MetadataErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.details = options.details
  }
}

/** True when `err` is a {@link MetadataError}, optionally with the given code. */
export function isMetadataError(err: unknown, code?: MetadataErrorCode): err is MetadataError {
  return err instanceof MetadataError && (code === undefined || err.code === code)
}
