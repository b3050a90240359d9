import { MetadataError } from '../errors.js'

/**
 * `seed_tokens` (SEED): `off` serves no seed path and creates no secret; `optional` (default) serves the seed path
 * and the address-only routes; `required` refuses the address-only routes to known nodes.
 */
export type SeedTokenMode = 'off' | 'optional' | 'required'

/** Every {@link SeedTokenMode}, in the order help and errors list them. */
export const SEED_TOKEN_MODES = ['off', 'optional', 'required'] as const satisfies readonly SeedTokenMode[]

/** How seed tokens are enforced when they are on. */
export interface SeedTokenPolicy {
  /** `optional` or `required` (with `off` there is no seed token service at all). */
  readonly mode: Exclude<SeedTokenMode, 'off'>
  /**
   * `seed_tokens_bind_address`: a seed request must also come from an address of the token's node (ID-1..ID-4,
   * tunnel addresses included), or it is answered as an unknown token. Default false.
   */
  readonly bindAddress: boolean
}

/** The path prefix of the seed routes: `/n/<token>/<document>`. */
export const SEED_PATH_PREFIX = '/n/'

/** SEED: the 404 text of a malformed, unknown, rotated or wrongly-addressed token; names no node. */
export const UNKNOWN_SEED_TOKEN_MESSAGE = 'unknown seed token'

/** SEED `required`: the 403 text of an address-only request from a known node; names the setting. */
export const SEED_TOKEN_REQUIRED_MESSAGE =
  'seed token required: this node is served only under its seed URL /n/<token>/ (seed_tokens: required)'

/** SEED: the text of the admin routes while `seed_tokens` is `off`. */
export const SEED_TOKENS_OFF_MESSAGE = 'seed tokens are off (seed_tokens: off); set seed_tokens to optional or required'

/** The NODE_NOT_FOUND (404) a seed request gets for any token that identifies no node. */
export function unknownSeedToken(): MetadataError {
  return new MetadataError('NODE_NOT_FOUND', UNKNOWN_SEED_TOKEN_MESSAGE)
}

/** The `/n/<token>` part of a node's seed URL (no trailing `/`), to append to a base URL. */
export function seedPath(token: string): string {
  return `${SEED_PATH_PREFIX}${token}`
}
