import { MetadataError, SUPPORTED_API_VERSIONS, type KindName } from '@metadata-service/core'
import type { AdminAuthorizer } from '../admin-access.js'
import { checkAdmin } from '../_internal/admin-check.js'
import { unsupportedAcceptVersion } from '../_internal/media-type.js'
import type { AppMiddleware } from '../_internal/state.js'

/**
 * Runs before every resource route: JSON errors, the SEC-6 admin hook (when given), then RES-8 `Accept` version
 * negotiation (`406 Unsupported version`, resource routes only).
 */
export function resourceGuard(kind: KindName, write: boolean, authorize: AdminAuthorizer | undefined): AppMiddleware {
  return async (ctx, next) => {
    ctx.state.errorStyle = 'json'
    await checkAdmin(ctx, authorize, { kind, write })
    // RES-8: `Accept: …;version=<v>` may name the same versions as a body's apiVersion.
    const requested = unsupportedAcceptVersion(ctx.get('Accept') || undefined, SUPPORTED_API_VERSIONS)
    if (requested !== undefined) {
      throw new MetadataError('UNSUPPORTED_VERSION', 'Unsupported version', { details: { requested } })
    }
    await next()
  }
}
