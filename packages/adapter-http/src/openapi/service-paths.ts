import { NOCLOUD_CONTENT_TYPES } from '@metadata-service/core'
import { ref } from './components.js'
import {
  EXAMPLE_COMPUTE_YAML,
  EXAMPLE_GROUP_COMPUTE,
  EXAMPLE_META_DATA,
  EXAMPLE_NETWORK_CONFIG,
  EXAMPLE_USER_DATA,
  EXAMPLE_VENDOR_DATA,
  EXAMPLE_WG_INIT_REQUEST,
  EXAMPLE_WG_INIT_RESPONSE,
} from './examples.js'
import { jsonError, jsonResponse, overloaded, plainError, textResponse, type OperationObject } from './responses.js'

/** Operations keyed by path, then by lowercase method. */
export type PathItems = Record<string, Record<string, OperationObject>>

/** SVC-1..SVC-4 (tag `Service`): exempt from WG-12 and OPS-3. */
export function servicePaths(): PathItems {
  const tags = ['Service']
  return {
    '/health': {
      get: {
        tags,
        operationId: 'getHealth',
        summary: 'Service health',
        description: 'SVC-1. A stale SMD snapshot alone stays healthy.',
        responses: {
          200: jsonResponse('Healthy.', ref('HealthResponse'), { example: { service: 'metadata-service', status: 'healthy' } }),
          503: jsonResponse('Unhealthy (TokenSmith auth failing, or the first SMD sync not done).', ref('HealthResponse'), {
            example: { reason: 'smd initial refresh pending', service: 'metadata-service', status: 'unhealthy' },
          }),
        },
      },
    },
    '/openapi.json': {
      get: {
        tags,
        operationId: 'getOpenAPISpec',
        summary: 'This OpenAPI document',
        description: 'SVC-2. OpenAPI 3.0.3, generated from the request-validation schemas.',
        responses: { 200: jsonResponse('The document.', { type: 'object' }) },
      },
    },
    '/docs': {
      get: {
        tags,
        operationId: 'getSwaggerUI',
        summary: 'Swagger UI for this API',
        description: 'SVC-3. Also answers at `/docs/`. Works offline: every asset comes from `/docs/assets/`.',
        responses: { 200: textResponse('The Swagger UI page.', 'text/html') },
      },
    },
    '/docs/assets/{file}': {
      get: {
        tags,
        operationId: 'getSwaggerUIAsset',
        summary: 'A static file of the Swagger UI page',
        description: 'SVC-3: the files of the installed swagger-ui-dist package that the page loads.',
        parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' }, example: 'swagger-ui-bundle.js' }],
        responses: {
          200: { description: 'The file (JavaScript, CSS or an image).', content: { '*/*': { schema: { type: 'string', format: 'binary' } } } },
          404: plainError(404, 'No such file.', 'not found'),
        },
      },
    },
    '/metrics': {
      get: {
        tags,
        operationId: 'getMetrics',
        summary: 'Prometheus metrics',
        description: 'SVC-4. Prometheus text format; every name is prefixed `metadata_service_`.',
        responses: { 200: textResponse('The metrics.', 'text/plain') },
      },
    },
  }
}

/** The NoCloud datasource (SPEC §2, tag `CloudInit`); errors are plain text. */
export function cloudInitPaths(): PathItems {
  const tags = ['CloudInit']
  const identity =
    'The node is the client address (ID-1..ID-3: the socket peer, or `X-Forwarded-For` from a trusted proxy), ' +
    'resolved through WireGuard, the SMD snapshot and one live lookup (ID-4).'
  const wireGuardOnly = plainError(
    403,
    '`--wireguard-only` and the socket peer is outside the tunnel (WG-12); or, on an address-only route, `seed_tokens: required` ' +
      'and the client is a known node (SEED: `seed token required: … (seed_tokens: required)`).',
    'wireguard-only access required',
  )
  const nodeErrors = {
    403: wireGuardOnly,
    404: plainError(404, 'The address is no known node (ID-4).', 'node not found'),
    503: plainError(503, 'Inventory unavailable (ID-4), overloaded (OPS-3) or timed out (OPS-2).', 'node lookup unavailable'),
  }
  const document = (operationId: string, summary: string, description: string, ok: Record<string, unknown>) => ({
    get: { tags, operationId, summary, description: `${description} ${identity}`, responses: { 200: ok, ...nodeErrors } },
  })
  return {
    '/meta-data': document(
      'getMetaData',
      'NoCloud meta-data of the calling node',
      'NC-1, NC-5 (keys in NC-12 order). Also answers at `/meta-data/` (NC-4b).',
      textResponse('The NC-5 YAML document.', NOCLOUD_CONTENT_TYPES.metaData, EXAMPLE_META_DATA),
    ),
    '/user-data': {
      get: {
        tags,
        operationId: 'getUserData',
        summary: 'NoCloud user-data',
        description: 'NC-2: exactly `#cloud-config\\n`, for any client (AT-6). Also answers at `/user-data/` (NC-4b).',
        responses: {
          200: textResponse('Always the same empty cloud-config.', NOCLOUD_CONTENT_TYPES.userData, EXAMPLE_USER_DATA),
          403: wireGuardOnly,
          503: overloaded('plain'),
        },
      },
    },
    '/vendor-data': document(
      'getVendorData',
      'NoCloud vendor-data of the calling node',
      'NC-3, NC-13: `#include` of `<base>/<group>.yaml` for each membership whose Group has a template. ' +
        'Always 200 for a known node (NC-17). Also answers at `/vendor-data/` (NC-4b).',
      textResponse('The `#include` list.', NOCLOUD_CONTENT_TYPES.vendorData, EXAMPLE_VENDOR_DATA),
    ),
    '/network-config': document(
      'getNetworkConfig',
      'NoCloud network-config of the calling node',
      'NC-4, NC-15: network config version 1, one physical entry per NIC, `/24` static subnets. ' +
        'Always 200 for a known node (NC-17). Also answers at `/network-config/` (NC-4b).',
      textResponse('The network config.', NOCLOUD_CONTENT_TYPES.networkConfig, EXAMPLE_NETWORK_CONFIG),
    ),
    '/{group}.yaml': {
      get: {
        tags,
        operationId: 'getGroupConfig',
        summary: "A group's rendered cloud-config for the calling node",
        description:
          'NC-4a, NC-16: the Mustache template rendered for this node (TPL-2, TPL-3), a Jinja template verbatim (TPL-7), ' +
          'or `#cloud-config\\n` when the Group is missing or has no template. `{group}` is the last path segment ' +
          `minus \`.yaml\`; dots are allowed (NC-4c). ${identity}`,
        parameters: [{ name: 'group', in: 'path', required: true, schema: { type: 'string' }, example: 'compute' }],
        responses: {
          200: textResponse('The rendered cloud-config.', NOCLOUD_CONTENT_TYPES.group, EXAMPLE_COMPUTE_YAML),
          400: plainError(400, 'The path does not percent-decode (issue 16).', 'invalid path: bad percent-encoding'),
          403: wireGuardOnly,
          404: plainError(404, 'Unknown node, or the node is not a member of the group.', 'node x1000c0s0b0n0 is not a member of group storage'),
          500: plainError(500, 'Memberships unreadable, component data unavailable, or rendering failed.', 'template rendering failed'),
          503: nodeErrors[503],
        },
      },
    },
  }
}

/** The WireGuard bootstrap (SPEC §7, tag `WireGuard`); errors are plain text. */
export function wireGuardPaths(): PathItems {
  const tags = ['WireGuard']
  const disabled = plainError(503, 'WireGuard is off or failed (WG-1), the service is overloaded (OPS-3), or the inventory cannot say which node calls (ID-4).', 'wireguard disabled')
  return {
    '/wg-init': {
      post: {
        tags,
        operationId: 'wgInit',
        summary: 'Register a WireGuard public key and get a tunnel address',
        description:
          'WG-4..WG-7. The body is parsed as JSON whatever the Content-Type. Only a known node gets a tunnel address ' +
          '(SPEC §16): an address that is no node answers 404 and nothing is allocated. A known key answers with its ' +
          "stored address; otherwise the requester's other peers are replaced (one peer per node). Open to any client (SEC-6).",
        requestBody: { required: true, content: { 'application/json': { schema: ref('WgInitRequest'), example: EXAMPLE_WG_INIT_REQUEST } } },
        responses: {
          202: jsonResponse('Accepted; the device is reconciled in the background (WG-8).', ref('WgInitResponse'), {
            example: EXAMPLE_WG_INIT_RESPONSE,
          }),
          400: plainError(400, 'Not JSON, nested deeper than 64 levels, or a missing or invalid key (WG-4).', 'public_key must decode to 32 bytes'),
          404: plainError(404, 'The client address is no known node (SPEC §16); nothing was allocated.', 'node not found'),
          500: plainError(500, 'Storage failure, or the address pool is full.', 'failed to allocate WireGuard IP: no available IPs'),
          503: disabled,
        },
      },
    },
    '/phone-home/{id}': {
      post: {
        tags,
        operationId: 'phoneHome',
        summary: "Release a node's WireGuard peer",
        description:
          'WG-10: deletes the peer whose uid is `{id}`, else the peer named `{id}`, else the peer of the calling node; ' +
          'the body is ignored and repeating the call is harmless. Honoured only from the node that owns the peer ' +
          '(its tunnel address, or its own address resolved through the inventory); anyone else gets 403 and nothing ' +
          'changes (SPEC §16).',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, example: 'x1000c0s0b0n0' }],
        responses: {
          200: { description: 'Done (also when nothing matched); empty body.' },
          400: plainError(400, 'The path does not percent-decode (issue 16).', 'invalid path: bad percent-encoding'),
          403: plainError(
            403,
            'The caller is not the node that owns the peer (SPEC §16), or `--wireguard-only` and the socket peer is outside the tunnel (WG-12).',
            'phone-home refused: only the node that owns this WireGuard peer may phone home for it (from its tunnel address or its own address)',
          ),
          500: plainError(500, 'Storage failure.', 'failed to delete WireGuard peer intent: <err>'),
          503: disabled,
        },
      },
    },
  }
}

/** Admin `POST /render` (tag `CloudInit`): what a node would receive, nothing stored. Errors are JSON. */
export function renderPaths(): PathItems {
  return {
    '/render': {
      post: {
        tags: ['CloudInit'],
        operationId: 'renderPreview',
        summary: 'Preview the NoCloud documents of a node (admin)',
        description:
          'Every document the node can fetch, each with the status and exact body its own request would get; with ' +
          '`group`, that group only; with `template`, also the document that template would give and a unified diff; ' +
          'with `networks`, the /network-config those ClusterDefaults networks would give and a unified diff. ' +
          '`/network-config` carries `notes` on guessed prefixes and addresses left out. ' +
          'The template or networks are checked first (TPL-4, network definitions). With `seed` (a seed token or seed URL, SEED) ' +
          'instead of `node`: the node it names, as its seed URL serves it. Nothing is stored. Allowed as a Group write (SEC-6).',
        security: [{}, { bearerAuth: [] }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: ref('RenderRequest'),
              example: { node: 'x1000c0s0b0n0', group: 'compute', template: EXAMPLE_GROUP_COMPUTE.spec.template },
            },
          },
        },
        responses: {
          200: jsonResponse('The documents.', ref('RenderResponse')),
          400: jsonError(400, 'Body not JSON, a field missing or unknown, or the template invalid (TPL-4).', 'validation failed: node is required'),
          401: jsonError(401, 'A bearer token is required (SEC-6, with auth_jwks_url).', 'bearer token required'),
          403: jsonError(403, 'Not an admin peer, or insufficient scope (SEC-6).', 'admin access requires a peer in admin_cidrs or a bearer token (configure auth_jwks_url); this connection comes from 10.252.0.26, which is not in admin_cidrs'),
          404: jsonError(404, 'No such node, a `seed` that names none (`unknown seed token`), or seed tokens off.', 'node x9999c0s0b0n0 not found'),
          413: jsonError(413, 'Body larger than 1 MiB (SEC-5).', 'request body too large'),
          415: jsonError(415, 'Not a JSON media type.', 'unsupported media type: text/plain; send Content-Type: application/json'),
          503: jsonError(503, 'Inventory unavailable, overloaded (OPS-3) or timed out (OPS-2).', 'node lookup unavailable'),
        },
      },
    },
  }
}
