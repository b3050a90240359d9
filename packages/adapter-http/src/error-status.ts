import type { MetadataErrorCode } from '@metadata-service/core'

/**
 * The one table from core error codes to HTTP statuses (ARCHITECTURE "Errors"). Typed as a full `Record`, so a
 * new code in core does not compile until it has a status here.
 */
export const STATUS: Readonly<Record<MetadataErrorCode, number>> = {
  NODE_NOT_FOUND: 404,
  NOT_A_MEMBER: 404,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  VALIDATION_FAILED: 400,
  INVALID_BODY: 400,
  INVALID_PATH: 400,
  PATCH_FAILED: 422,
  UNSUPPORTED_VERSION: 406,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  MEMBERSHIP_UNAVAILABLE: 500,
  COMPONENT_UNAVAILABLE: 500,
  RENDER_FAILED: 500,
  // ID-4: an inventory outage is not "not found"; clients should come back.
  INVENTORY_UNAVAILABLE: 503,
  TOKEN_UNAVAILABLE: 503,
  TUNNEL_UNAVAILABLE: 503,
  POOL_EXHAUSTED: 500,
  STORAGE_FAILED: 503,
  OVERLOADED: 503,
  TIMEOUT: 503,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  INTERNAL: 500,
}

