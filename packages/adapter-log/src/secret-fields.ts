// No imports: bench/handwritten-logger.js loads this file too (bundled, or with --experimental-strip-types).

/** Field names whose values are always masked, whatever logs them (SEC-4). */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'authorization',
  'token',
  'access_token',
  'refresh_token',
  'accessToken',
  'refreshToken',
  'privateKey',
  'private_key',
  'smd_jwt',
  'smd_token',
  'tokensmith_bootstrap_token',
  'bootstrapToken',
])
