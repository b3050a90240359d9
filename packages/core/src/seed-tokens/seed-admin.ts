import type { InventoryNode } from '../ports/inventory.js'
import type { RequestContext } from '../services/nocloud-api.js'
import { SEED_PATH_PREFIX, seedPath, unknownSeedToken } from './seed-policy.js'
import type { SeedRotation, SeedTokens } from './seed-token-service.js'
import { checkSeedBase, listSeedUrls, type SeedUrlEntry, type SeedUrlQuery, type SeedUrlsDeps } from './seed-urls.js'

/** The admin use cases of seed tokens (SEED): the API routes and `metadata-service seed-url` call these. */
export interface SeedTokenAdmin {
  /** The seed URLs of one node, a group's members or every node; see {@link listSeedUrls} for bases and errors. */
  list(query: SeedUrlQuery): Promise<SeedUrlEntry[]>
  /**
   * Rotates one node's token, every member's of a group, or all of them (see `SeedTokens.rotate`), and answers the
   * new seed URLs of the rotated nodes. A bad `base` is refused (VALIDATION_FAILED) before anything is rotated.
   */
  rotate(target: SeedRotation, options: { readonly base?: string; readonly request: RequestContext }): Promise<SeedUrlEntry[]>
  /**
   * The node a token, or a seed URL holding one (`…/n/<token>/…`), names now (for the render preview), and its seed
   * path. Rejects with NODE_NOT_FOUND `unknown seed token` as a seed request would.
   */
  nodeOf(tokenOrUrl: string): Promise<{ readonly node: InventoryNode; readonly seedPath: string }>
}

/** Creates the {@link SeedTokenAdmin} over the seed tokens, the inventory and the resource store (NC-14 bases). */
export function createSeedTokenAdmin(deps: SeedUrlsDeps & { readonly seeds: SeedTokens }): SeedTokenAdmin {
  return {
    list: (query) => listSeedUrls(deps, query),
    async rotate(target, options) {
      if (options.base !== undefined) checkSeedBase(options.base)
      const rotated = await deps.seeds.rotate(target)
      const base = options.base === undefined ? {} : { base: options.base }
      return listSeedUrls(deps, { ...base, request: options.request, ...('all' in target ? {} : { nodes: rotated }) })
    },
    async nodeOf(tokenOrUrl) {
      const at = tokenOrUrl.indexOf(SEED_PATH_PREFIX)
      const token = at === -1 ? tokenOrUrl : (tokenOrUrl.slice(at + SEED_PATH_PREFIX.length).split('/')[0] ?? '')
      const node = await deps.seeds.nodeOf(token)
      if (node === undefined) throw unknownSeedToken()
      return { node, seedPath: seedPath(token) }
    },
  }
}
