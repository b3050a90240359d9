import { MetadataError } from '../errors.js'
import { resolveBaseUrl } from '../nocloud/base-url.js'
import { buildResourceIndex } from '../nocloud/resource-index.js'
import type { Inventory, InventoryNode } from '../ports/inventory.js'
import type { ResourceStore } from '../ports/resource-store.js'
import type { RequestContext } from '../services/nocloud-api.js'
import { groupMembers, knownNode } from './_nodes.js'
import { seedPath } from './seed-policy.js'
import { seedTokenFingerprint } from './seed-token.js'
import type { SeedTokens } from './seed-token-service.js'

/** Where a seed URL's base came from (SEED): the caller's `base`, the NC-14 settings, or the admin request's host. */
export type SeedBaseSource = 'override' | 'configured' | 'request'

/** A node's seed URL, as the admin API and `metadata-service seed-url` give it. */
export interface SeedUrlEntry {
  /** The node's xname. */
  readonly node: string
  /** `<base>/n/<token>/`: cloud-init's NoCloud `seedfrom` for this node. */
  readonly url: string
  /** The kernel command line argument that points cloud-init at it: `ds=nocloud;s=<url>`. */
  readonly kernelArgument: string
  /** The token's fingerprint as log lines show it (the first 8 hex of its SHA-256), never the token. */
  readonly fingerprint: string
  readonly baseFrom: SeedBaseSource
}

/** Which seed URLs to list. At most one of `node`, `group`, `nodes`; none: every node of the inventory. */
export interface SeedUrlQuery {
  readonly node?: string
  readonly group?: string
  /** These xnames, in this order (after a rotation); unknown ones are left out. */
  readonly nodes?: readonly string[]
  /** A base URL to use instead of NC-14's (absolute http or https, no query or fragment; a trailing `/` is trimmed). */
  readonly base?: string
  /** The admin request, for the NC-14 step 4 fallback (its `Host`). */
  readonly request: RequestContext
}

/** What {@link listSeedUrls} reads. */
export interface SeedUrlsDeps {
  readonly seeds: Pick<SeedTokens, 'tokenOf'>
  readonly inventory: Inventory
  readonly store: ResourceStore
  /** `public_url` (CFG); "" or absent means unset. */
  readonly publicUrl?: string
}

/**
 * SEED admin listing: each selected node's seed URL `<base>/n/<token>/`, in inventory order. The base is `base`
 * when given, else the node's NC-14 base (InstanceInfo `cloud_init_base_url`, ClusterDefaults `base_url`,
 * `public_url`), else the admin request's own scheme and host (`baseFrom: request`: right only when nodes reach the
 * service by the same name). Rejects with VALIDATION_FAILED (`base`; `node` and `group` together), NODE_NOT_FOUND
 * `node <xname> not found`, NOT_FOUND `no node is a member of group <g>`, INVENTORY_UNAVAILABLE.
 */
export async function listSeedUrls(deps: SeedUrlsDeps, query: SeedUrlQuery): Promise<SeedUrlEntry[]> {
  const chosen = [query.node, query.group, query.nodes].filter((v) => v !== undefined).length
  if (chosen > 1) throw invalid('give at most one of node and group')
  const override = query.base === undefined ? undefined : checkSeedBase(query.base)
  const nodes = await selectNodes(deps.inventory, query)
  const baseOf = override === undefined ? await configuredBases(deps) : () => override
  const fromRequest = resolveBaseUrl({ request: query.request })
  return nodes.map((node) => {
    const configured = baseOf(node)
    const base = configured ?? fromRequest
    if (base === undefined) throw invalid('no base URL: set public_url or ClusterDefaults base_url, or give base')
    const token = deps.seeds.tokenOf(node.xname)
    const url = `${base}${seedPath(token)}/`
    const baseFrom: SeedBaseSource = override !== undefined ? 'override' : configured !== undefined ? 'configured' : 'request'
    return { node: node.xname, url, kernelArgument: `ds=nocloud;s=${url}`, fingerprint: seedTokenFingerprint(token), baseFrom }
  })
}

/**
 * A seed URL base override as given (`base`): absolute http or https, no query, fragment, spaces or control
 * characters (it lands on kernel command lines and in `#include` lines); trailing `/` trimmed. Throws
 * VALIDATION_FAILED naming `base` otherwise.
 */
export function checkSeedBase(base: string): string {
  const trimmed = base.replace(/\/+$/, '')
  // Lands on kernel command lines and in `#include` lines: no spaces, controls, query or fragment.
  // eslint-disable-next-line no-control-regex
  const ok = /^https?:\/\/[^/\x00-\x20\x7f?#]+(\/[^\x00-\x20\x7f?#]*)?$/i.test(trimmed) && URL.canParse(trimmed)
  if (!ok) throw invalid('base must be an absolute http or https URL without query or fragment')
  return trimmed
}

// --- internal ---

async function selectNodes(inventory: Inventory, query: SeedUrlQuery): Promise<readonly InventoryNode[]> {
  if (query.node !== undefined) return [await knownNode(inventory, query.node)]
  if (query.group !== undefined) return groupMembers(inventory, query.group)
  const all = [...inventory.nodes()]
  if (query.nodes === undefined) return all
  const byXname = new Map(all.map((node) => [node.xname, node]))
  return query.nodes.flatMap((xname) => byXname.get(xname) ?? [])
}

/** NC-14 steps 1–3 per node, from one read of the store. */
async function configuredBases(deps: SeedUrlsDeps): Promise<(node: InventoryNode) => string | undefined> {
  const [clusterDefaults, instanceInfos, groups] = await Promise.all([
    deps.store.list('ClusterDefaults'),
    deps.store.list('InstanceInfo'),
    deps.store.list('Group'),
  ])
  const index = buildResourceIndex({ clusterDefaults, instanceInfos, groups })
  return (node) =>
    resolveBaseUrl({ instanceInfo: index.instanceInfo(node.xname)?.spec, clusterDefaults: index.clusterDefaults?.spec, publicUrl: deps.publicUrl })
}

function invalid(detail: string): MetadataError {
  return new MetadataError('VALIDATION_FAILED', `validation failed: ${detail}`)
}
