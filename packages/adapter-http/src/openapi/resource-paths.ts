import { KIND_LIST, type KindInfo } from '@metadata-service/core'
import { kindSchemaNames, ref } from './components.js'
import {
  EXAMPLE_CLUSTER_DEFAULTS,
  EXAMPLE_GROUP_COMPUTE,
  EXAMPLE_GROUP_GREEN,
  EXAMPLE_INSTANCE_INFO,
  EXAMPLE_WIREGUARD_PEER,
} from './examples.js'
import { jsonError, jsonResponse, overloaded, type ResponseObject } from './responses.js'
import type { PathItems } from './service-paths.js'

/** Create-body examples per kind (SPEC §14: F-CD, F-COMPUTE, F-GREEN). */
export const CREATE_EXAMPLES: Readonly<Record<string, Record<string, { summary: string; value: unknown }>>> = {
  ClusterDefaults: { 'F-CD': { summary: 'Quick start cluster defaults', value: EXAMPLE_CLUSTER_DEFAULTS } },
  Group: {
    'F-COMPUTE': { summary: 'Quick start group compute', value: EXAMPLE_GROUP_COMPUTE },
    'F-GREEN': { summary: 'Quick start group green', value: EXAMPLE_GROUP_GREEN },
  },
  InstanceInfo: { n0: { summary: 'Overrides for node x1000c0s0b0n0', value: EXAMPLE_INSTANCE_INFO } },
  WireGuardPeer: { n0: { summary: 'A peer for node x1000c0s0b0n0', value: EXAMPLE_WIREGUARD_PEER } },
}

/** The resource API (SPEC §4): per kind, one tag and the eight SVC-2 operations. Errors are JSON (RES-8). */
export function resourcePaths(): PathItems {
  const paths: PathItems = {}
  for (const info of KIND_LIST) Object.assign(paths, kindPaths(info))
  return paths
}

// --- internal ---

const UID = { name: 'uid', in: 'path', required: true, schema: { type: 'string' } }
const IF_MATCH = {
  name: 'If-Match',
  in: 'header',
  required: false,
  description: 'RES-5: the expected resourceVersion, quoted or bare, or `*`. Without it the last write wins.',
  schema: { type: 'string' },
  example: '"1"',
}
const ETAG = { ETag: { description: 'RES-5: `"<resourceVersion>"`.', schema: { type: 'string' }, example: '"1"' } }

function kindPaths(info: KindInfo): PathItems {
  const { kind, plural, collection, uidPrefix } = info
  const names = kindSchemaNames(info)
  const tags = [kind]
  const uid = { ...UID, example: `${uidPrefix}1a2b3c4d` }
  const err = errors(kind, `${uidPrefix}1a2b3c4d`, collection)
  // SEC-6: who may call depends on the configuration (admin_cidrs, or a bearer JWT with auth_jwks_url).
  const security = [{}, { bearerAuth: [] }]
  const resource = (description: string) => jsonResponse(description, ref(names.resource), { headers: ETAG })
  const op = (operationId: string, summary: string, description: string, rest: Record<string, unknown>) => ({
    tags,
    operationId,
    summary,
    description,
    security,
    ...rest,
  })
  const statusBody = {
    required: true,
    content: {
      'application/json': {
        schema: { anyOf: [{ type: 'object', properties: { status: ref(names.statusWrite) }, required: ['status'] }, ref(names.statusWrite)] },
      },
    },
  }

  return {
    [`/${collection}`]: {
      get: op(`list${plural}`, `List ${kind} resources`, `RES-1: ordered by createdAt, then uid. A trailing \`/\` is accepted.`, {
        parameters: [{ name: 'name', in: 'query', required: false, description: 'Exact name filter.', schema: { type: 'string' } }],
        responses: { 200: jsonResponse(`Every ${kind} (\`[]\` when none).`, { type: 'array', items: ref(names.resource) }), ...err.pick(401, 403, 406, 503) },
      }),
      post: op(`create${kind}`, `Create a ${kind}`, 'RES-3: `metadata.name` is required and unique per kind; status, uid and timestamps in the body are ignored.', {
        requestBody: { required: true, content: { 'application/json': { schema: ref(names.create), examples: CREATE_EXAMPLES[kind] } } },
        responses: { 201: resource('Created.'), ...err.pick(400, 401, 403, 406, 409, 413, 415, 503) },
      }),
    },
    [`/${collection}/{uid}`]: {
      get: op(`get${kind}`, `Get a ${kind}`, 'RES-1.', {
        parameters: [uid],
        responses: { 200: resource(`The ${kind}.`), ...err.pick(400, 401, 403, 404, 406, 503) },
      }),
      put: op(`update${kind}`, `Replace a ${kind}'s spec`, 'RES-4: the spec is replaced whole; a non-empty `metadata.name` renames; labels and annotations merge.', {
        parameters: [uid, IF_MATCH],
        requestBody: { required: true, content: { 'application/json': { schema: ref(names.replace) } } },
        responses: { 200: resource('Replaced.'), ...err.pick(400, 401, 403, 404, 406, 409, 412, 413, 415, 503) },
      }),
      patch: op(`patch${kind}`, `Patch a ${kind}'s spec`, patchDescription, {
        parameters: [uid, IF_MATCH],
        requestBody: { required: true, content: patchContent(names.spec) },
        responses: { 200: resource('Patched.'), ...err.pick(400, 401, 403, 404, 406, 412, 413, 422, 503) },
      }),
      delete: op(`delete${kind}`, `Delete a ${kind}`, 'RES-1.', {
        parameters: [uid, IF_MATCH],
        responses: {
          200: jsonResponse('Deleted.', ref('DeleteResponse'), { example: { message: `${kind} deleted successfully`, uid: uid.example } }),
          ...err.pick(400, 401, 403, 404, 406, 412, 503),
        },
      }),
    },
    [`/${collection}/{uid}/status`]: {
      put: op(`update${kind}Status`, `Replace a ${kind}'s status`, 'RES-7: the body is `{"status":{…}}` or the bare status; bumps resourceVersion, not updatedAt.', {
        parameters: [uid, IF_MATCH],
        requestBody: statusBody,
        responses: { 200: resource('Replaced.'), ...err.pick(400, 401, 403, 404, 406, 412, 413, 415, 503) },
      }),
      patch: op(`patch${kind}Status`, `Merge-patch a ${kind}'s status`, 'RES-7: an RFC 7386 merge patch of the status; types are checked.', {
        parameters: [uid, IF_MATCH],
        requestBody: { required: true, content: { 'application/merge-patch+json': { schema: ref(names.statusWrite) } } },
        responses: { 200: resource('Patched.'), ...err.pick(400, 401, 403, 404, 406, 412, 413, 503) },
      }),
    },
  }
}

const patchDescription =
  'RES-6: changes the spec only; the `Content-Type` selects the format: `application/json-patch+json` (RFC 6902, ' +
  'paths relative to the spec), `application/shorthand-patch+json` (`{"a.b": v}`, `null` removes), anything else ' +
  'an RFC 7386 merge patch. The result is validated as for PUT.'

function patchContent(spec: string): Record<string, unknown> {
  const merge = {
    schema: { type: 'object', description: `RFC 7386 merge patch of the ${spec} (\`null\` removes a member).` },
    example: { metaData: { color: 'blue' } },
  }
  return {
    'application/merge-patch+json': merge,
    'application/json-patch+json': {
      schema: { type: 'array', items: ref('JsonPatchOperation') },
      example: [{ op: 'replace', path: '/metaData/color', value: 'blue' }],
    },
    'application/shorthand-patch+json': {
      schema: { type: 'object', additionalProperties: { nullable: true }, description: 'Dotted paths to values; `null` removes.' },
      example: { 'metaData.color': 'blue' },
    },
  }
}

interface ErrorTable {
  pick(...statuses: number[]): Record<number, ResponseObject>
}

/** The RES-8 / SEC-6 answers of one kind, with their exact messages as examples. */
function errors(kind: string, uid: string, collection: string): ErrorTable {
  const table: Record<number, ResponseObject> = {
    400: jsonError(
      400,
      'Body not JSON or nested deeper than 64 levels, validation failed (RES-9, TPL-4, WG-11), or the path does not percent-decode.',
      'validation failed: <m1>; <m2>',
    ),
    401: jsonError(401, 'A bearer token is required (SEC-6, with auth_jwks_url).', 'bearer token required'),
    403: jsonError(403, 'Not an admin peer, or insufficient scope (SEC-6).', 'admin access requires a peer in admin_cidrs or a bearer token (configure auth_jwks_url); this connection comes from 10.252.0.26, which is not in admin_cidrs'),
    404: jsonError(404, 'Unknown uid.', `${kind} not found: failed to load ${kind} ${uid}: resource not found`),
    406: jsonResponse('Unsupported `apiVersion` or `Accept` version (RES-8).', ref('UnsupportedVersionResponse'), {
      example: { error: 'Unsupported version', code: 406, requested: 'v2', supported: ['v1'] },
    }),
    409: jsonError(409, 'The name is held by another resource of this kind (RES-3).', `${kind} named <name> already exists: <uid>; to change it, update that one: metadata-service ${kind.toLowerCase()} update <uid> (PUT /${collection}/<uid>)`),
    412: jsonError(412, 'If-Match does not match (RES-5).', 'precondition failed: current resourceVersion is 2'),
    413: jsonError(413, 'Body larger than 1 MiB (SEC-5).', 'request body too large'),
    415: jsonError(415, 'Not a JSON media type (RES-8).', 'unsupported media type: text/plain; send Content-Type: application/json'),
    422: jsonError(422, 'The patch cannot be applied, or a `test` failed (RES-6).', 'failed to apply patch to spec: <detail>'),
    503: overloaded('json'),
  }
  return {
    pick: (...statuses) => Object.fromEntries(statuses.map((status) => [status, table[status]!])),
  }
}
