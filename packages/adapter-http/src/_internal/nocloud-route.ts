import type { IncomingMessage } from 'node:http'
import parseUrl from 'parseurl'
import type { NoCloudDocumentName } from '@metadata-service/core'

/** A NoCloud route a request matched: its pattern (as the request line names it), its document and group. */
export interface NoCloudRoute {
  /** `/meta-data`, …, or {@link GROUP_ROUTE}. */
  readonly route: string
  readonly document: NoCloudDocumentName
  /** The percent-decoded group (NC-4c); `''` for the fixed documents; as sent when it does not decode. */
  readonly group: string
  /** Set when the group segment does not percent-decode (`/%ZZ.yaml`): the answer is `400` (issue 16). */
  readonly undecodable?: true
  /** SEED: the raw (undecoded) token segment of a seed route `/n/<token>/…`; absent on the address-only routes. */
  readonly seedToken?: string
}

/** The fixed NoCloud routes, each with its document. */
export const FIXED_NOCLOUD_ROUTES: ReadonlyArray<readonly [string, NoCloudDocumentName]> = [
  ['/meta-data', 'meta-data'],
  ['/user-data', 'user-data'],
  ['/vendor-data', 'vendor-data'],
  ['/network-config', 'network-config'],
]

/** The NoCloud group route pattern (NC-4a), as the request line and the metrics name it. */
export const GROUP_ROUTE = '/:group.yaml'

/** SEED: the seed routes are the NoCloud routes under this pattern (`/n/:token/meta-data`, `/n/:token/:group.yaml`). */
export const SEED_ROUTE_PREFIX = '/n/:token'

/**
 * Every NoCloud route pattern, address-only and seed (SEED), with the document it serves (`group` for the group
 * routes): what the request line, the metrics and the boot record read a finished request's route with.
 */
export const NOCLOUD_ROUTE_DOCUMENTS: ReadonlyMap<string, NoCloudDocumentName> = new Map(
  [...FIXED_NOCLOUD_ROUTES, [GROUP_ROUTE, 'group'] as const].flatMap(([route, document]) => [
    [route, document],
    [`${SEED_ROUTE_PREFIX}${route}`, document],
  ]),
)

/** The methods of every NoCloud route, in the order `Allow` lists them (OPS-6). */
export const NOCLOUD_METHODS: readonly string[] = ['HEAD', 'GET']

// The fixed paths, with and without the NC-4b trailing slash, matched case-sensitively.
const FIXED: ReadonlyMap<string, NoCloudRoute> = new Map(
  FIXED_NOCLOUD_ROUTES.flatMap(([route, document]) => {
    const target: NoCloudRoute = { route, document, group: '' }
    return [
      [route, target],
      [`${route}/`, target],
    ]
  }),
)
// NC-4c: the last segment minus its final `.yaml` (greedy: `/a.yaml.yaml` is `a.yaml`), trailing `/` allowed.
const GROUP_PATH = /^\/([^/]+)\.yaml\/?$/
// A request target that is its own pathname and needs no decoding: nothing to parse, the hot path of a boot storm.
const PLAIN_GROUP_TARGET = /^\/([A-Za-z0-9_.-]+)\.yaml$/
// SEED: where the token segment starts in a seed path.
const SEED_PREFIX = '/n/'

/**
 * The NoCloud route of a request, whatever its method (SPEC §2), or undefined for any other path. The path is the
 * request target's pathname as `parseurl` reads it (query and fragment dropped, absolute-form accepted), the same
 * path the Koa routes of the rest of the API see. Fixed routes win over `/{group}.yaml` (NC-4c); the group is
 * percent-decoded, and marked `undecodable` when it does not decode. With `seeds` (SEED, `seed_tokens` not off),
 * the same routes under `/n/<token>` match too, the token taken as sent (never decoded: a real token needs no
 * escaping, so any other spelling is not a token); any other path under `/n/` is not a NoCloud route.
 */
export function matchNoCloudRoute(req: IncomingMessage, seeds = false): NoCloudRoute | undefined {
  const target = req.url ?? ''
  const exact = FIXED.get(target)
  if (exact !== undefined) return exact
  const plain = PLAIN_GROUP_TARGET.exec(target)?.[1]
  if (plain !== undefined) return { route: GROUP_ROUTE, document: 'group', group: plain }
  const path = parseUrl(req)?.pathname
  if (path === undefined || path === null) return undefined
  if (seeds && path.startsWith(SEED_PREFIX)) return matchSeedRoute(path)
  return matchPath(path)
}

// --- internal ---

/** An address-only NoCloud path (already parsed), or undefined. */
function matchPath(path: string): NoCloudRoute | undefined {
  const fixed = FIXED.get(path)
  if (fixed !== undefined) return fixed
  const group = GROUP_PATH.exec(path)?.[1]
  if (group === undefined) return undefined
  const decoded = decodeSegment(group)
  return decoded === undefined
    ? { route: GROUP_ROUTE, document: 'group', group, undecodable: true }
    : { route: GROUP_ROUTE, document: 'group', group: decoded }
}

/** SEED: `/n/<token><an address-only NoCloud path>`, or undefined (`/n/<token>` alone, deeper paths, anything else). */
function matchSeedRoute(path: string): NoCloudRoute | undefined {
  const end = path.indexOf('/', SEED_PREFIX.length)
  if (end === -1) return undefined
  const route = matchPath(path.slice(end))
  if (route === undefined) return undefined
  return { ...route, route: `${SEED_ROUTE_PREFIX}${route.route}`, seedToken: path.slice(SEED_PREFIX.length, end) }
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}
