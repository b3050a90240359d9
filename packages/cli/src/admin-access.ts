import { createBearerAuthorizer, createCidrAuthorizer, type AdminAuthorizer } from '@metadata-service/adapter-http'
import { parseCidr } from '@metadata-service/core'
import type { Config } from './config/schema.js'
import { CliError } from './errors.js'

/** The configuration keys SEC-6 reads. */
export type AdminAccessConfig = Pick<
  Config,
  'admin_cidrs' | 'admin_cidrs_bypass_auth' | 'auth_jwks_url' | 'auth_issuer' | 'auth_audience'
>

/**
 * SEC-6 as configured. Without `auth_jwks_url`: adapter-http's CIDR authorizer over `admin_cidrs`. With it: bearer
 * JWTs on every resource route, verified against that JWKS (`auth_issuer` when set, `auth_audience`), and
 * `admin_cidrs` peers pass without a token only when `admin_cidrs_bypass_auth` is true. Throws a CliError when
 * `auth_audience` is empty while `auth_jwks_url` is set, so the audience check can never be silently off.
 */
export function adminAuthorizerFor(config: AdminAccessConfig): AdminAuthorizer {
  const adminCidrs = config.admin_cidrs.map(parseCidr)
  if (config.auth_jwks_url === '') return createCidrAuthorizer(adminCidrs)
  if (config.auth_audience.trim() === '') {
    throw new CliError('invalid value for auth_audience: must not be empty when auth_jwks_url is set')
  }
  return createBearerAuthorizer({
    jwksUrl: config.auth_jwks_url,
    issuer: config.auth_issuer,
    audience: config.auth_audience,
    bypassCidrs: config.admin_cidrs_bypass_auth ? adminCidrs : [],
  })
}
