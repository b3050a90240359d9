import { ref } from './components.js'
import { jsonError, jsonResponse, plainError, type OperationObject } from './responses.js'
import { cloudInitPaths, type PathItems } from './service-paths.js'

const EXAMPLE_URL = 'http://10.252.0.1:8080/n/uBNC-nFc9cNAQIpSVM85XmR0NfRqPBQ-/'
const EXAMPLE_ENTRY = { node: 'x1000c0s0b0n0', url: EXAMPLE_URL, kernelArgument: `ds=nocloud;s=${EXAMPLE_URL}`, fingerprint: '3f9c2a1b', baseFrom: 'configured' }

/** The seed token admin API (SEED, tag `SeedTokens`): guarded as a resource write (SEC-6); errors are JSON. */
export function seedTokenPaths(): PathItems {
  const tags = ['SeedTokens']
  const common = {
    401: jsonError(401, 'A bearer token is required (SEC-6, with auth_jwks_url).', 'bearer token required'),
    403: jsonError(403, 'Not an admin peer, or a token without metadata:write (SEC-6).', 'admin access requires a peer in admin_cidrs or a bearer token (configure auth_jwks_url)'),
    503: jsonError(503, 'Inventory or store unavailable, overloaded (OPS-3) or timed out (OPS-2).', 'node lookup unavailable'),
  }
  const list = jsonResponse('The seed URLs, in inventory order.', { type: 'array', items: ref('SeedUrl') }, { example: [EXAMPLE_ENTRY] })
  return {
    '/seed-tokens': {
      get: {
        tags,
        operationId: 'listSeedUrls',
        summary: 'Seed URLs of one node, a group or every node (admin)',
        description:
          'Each node’s NoCloud seed URL `<base>/n/<token>/` and the kernel argument `ds=nocloud;s=<url>` for iPXE or BSS. The base is ' +
          '`base` when given, else the node’s NC-14 base, else this request’s host. A seed URL is a credential: reading one is ' +
          'allowed as a resource write (SEC-6).',
        security: [{}, { bearerAuth: [] }],
        parameters: [
          { name: 'node', in: 'query', required: false, schema: { type: 'string' }, example: 'x1000c0s0b0n0', description: 'Only this node.' },
          { name: 'group', in: 'query', required: false, schema: { type: 'string' }, example: 'compute', description: 'Only the members of this group.' },
          { name: 'base', in: 'query', required: false, schema: { type: 'string' }, example: 'http://10.252.0.1:8080', description: 'The base URL to use.' },
        ],
        responses: {
          200: list,
          400: jsonError(400, '`node` and `group` together, or a `base` that is not an absolute http(s) URL.', 'validation failed: give at most one of node and group'),
          ...common,
          404: jsonError(404, 'No such node, no member of the group, or seed tokens are off.', 'node x9999c0s0b0n0 not found'),
        },
      },
    },
    '/seed-tokens/rotate': {
      post: {
        tags,
        operationId: 'rotateSeedTokens',
        summary: 'Rotate the seed tokens of one node, a group or every node (admin)',
        description:
          'The old tokens stop working at once, on every replica within moments; the answer holds the new seed URLs of the ' +
          'rotated nodes. Give exactly one of `node`, `group` or `all: true`.',
        security: [{}, { bearerAuth: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: ref('SeedRotateRequest'), example: { node: 'x1000c0s0b0n0' } } } },
        responses: {
          200: list,
          400: jsonError(400, 'Body not JSON, an unknown field, not exactly one target, or a bad `base`.', 'validation failed: give exactly one of node, group or all'),
          ...common,
          404: jsonError(404, 'No such node, no member of the group, or seed tokens are off.', 'no node is a member of group compue'),
          413: jsonError(413, 'Body larger than 1 MiB (SEC-5).', 'request body too large'),
          415: jsonError(415, 'Not a JSON media type.', 'unsupported media type: text/plain'),
        },
      },
    },
  }
}

/**
 * SEED: the NoCloud routes under a node's seed URL (tag `CloudInit`): `/n/{token}/` followed by each address-only
 * route, with the same bodies and errors for the token's node (vendor-data's `#include` lines under the seed path),
 * and `404 unknown seed token` for any token that names no node.
 */
export function seedNoCloudPaths(): PathItems {
  const token = {
    name: 'token',
    in: 'path',
    required: true,
    schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{32}$' },
    example: 'uBNC-nFc9cNAQIpSVM85XmR0NfRqPBQ-',
    description: 'The node’s seed token, as `GET /seed-tokens` hands it out (taken as sent, never percent-decoded).',
  }
  const unknown = plainError(
    404,
    'The token is malformed, names no node, was rotated, or (with `seed_tokens_bind_address`) the client address is not its node’s; ' +
      'for a group, also a group the node is not a member of.',
    'unknown seed token',
  )
  const paths: PathItems = {}
  for (const [path, item] of Object.entries(cloudInitPaths())) {
    const get = item.get as OperationObject & { operationId: string; parameters?: unknown[]; responses: Record<string, unknown> }
    const { 403: wireGuardOnly, ...responses } = get.responses
    paths[`/n/{token}${path}`] = {
      get: {
        ...get,
        operationId: get.operationId.replace(/^get/, 'getSeed'),
        summary: `${String(get.summary).replace('the calling node', 'the token’s node')} (seed URL)`,
        description:
          `SEED: the \`${path}\` answer of the node the token identifies, whatever the client address (SPEC §16 "Seed tokens"). ` +
          (path === '/vendor-data' ? 'Its `#include` lines are `<base>/n/<token>/<group>.yaml`. ' : '') +
          'Served unless `seed_tokens` is `off` (then `404 not found`).',
        parameters: [token, ...(get.parameters ?? [])],
        responses: { ...responses, 403: wireGuardOnly, 404: unknown },
      },
    }
  }
  return paths
}
