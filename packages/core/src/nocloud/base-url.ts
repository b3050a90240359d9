import type { ClusterDefaultsSpec } from '../domain/cluster-defaults.js'
import type { InstanceInfoSpec } from '../domain/instance-info.js'
import type { RequestContext } from '../services/nocloud-api.js'
import { controlCharacterIn } from '../text/control-characters.js'

/** What the NC-14 base URL is chosen from. */
export interface BaseUrlInput {
  readonly instanceInfo?: InstanceInfoSpec | undefined
  readonly clusterDefaults?: ClusterDefaultsSpec | undefined
  /** `public_url` (CFG); "" counts as unset. */
  readonly publicUrl?: string | undefined
  /** Step 4; omit it for meta-data, whose `cloud_init_base_url` stops at `public_url` (NC-5). */
  readonly request?: RequestContext | undefined
}

/**
 * NC-14: the first non-empty of InstanceInfo `cloud_init_base_url`, ClusterDefaults `base_url`, `public_url`, and
 * `<proto>://<host>` from the request (proto defaults to `http`). Trailing `/` are trimmed so that
 * `<base>/<group>.yaml` never holds `//`. Returns `undefined` when every source is empty. A source holding a
 * control character counts as unset (SPEC §16: writes refuse one, but a file written by an older version may still
 * carry `http://a/\nruncmd: …`, which must never become a vendor-data line).
 */
export function resolveBaseUrl(input: BaseUrlInput): string | undefined {
  const host = input.request?.host
  const candidates = [
    input.instanceInfo?.cloud_init_base_url,
    input.clusterDefaults?.base_url,
    input.publicUrl,
    host ? `${input.request?.proto || 'http'}://${host}` : undefined,
  ]
  for (const candidate of candidates) {
    const trimmed = candidate?.trim().replace(/\/+$/, '')
    if (trimmed && controlCharacterIn(trimmed) === undefined) return trimmed
  }
  return undefined
}
