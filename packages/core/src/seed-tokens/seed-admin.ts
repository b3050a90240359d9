import type { RequestContext } from '../services/nocloud-api.js'
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
  }
}
